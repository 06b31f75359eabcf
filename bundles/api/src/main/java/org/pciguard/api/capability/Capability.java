package org.pciguard.api.capability;

/**
 * One capability found in a configuration space.
 *
 * @param space       header, standard or extended
 * @param id          the capability id (8 bits standard, 16 bits extended, 0 for the header)
 * @param offset      config offset of its first byte
 * @param length      bytes it occupies (as far as it fits in config space)
 * @param version     the capability version (extended header bits 19:16; for standard
 *                    capabilities the version field where the capability has one, else 0)
 * @param name        a short name as lspci and Linux use it ({@code PM}, {@code MSI}, {@code AER} ...)
 * @param next        the raw next pointer as read from the device
 * @param hiddenByDefault true when the default policy hides it from guests (vfio-pci's table
 *                    length 0: unknown or unsupported capabilities)
 */
public record Capability(CapabilitySpace space, int id, int offset, int length, int version, String name, int next,
        boolean hiddenByDefault) {

    /** First byte after the capability. */
    public int end() {
        return offset + length;
    }

    /** Whether {@code configOffset} lies inside this capability. */
    public boolean contains(int configOffset) {
        return configOffset >= offset && configOffset < offset + length;
    }

    /** {@code MSI@0x50} / {@code AER@0x100}, for messages. */
    public String label() {
        return name + "@0x" + Integer.toHexString(offset);
    }
}
