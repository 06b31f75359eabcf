package org.pciguard.api.capability;

/**
 * A capability id in its space: what per-device hide and expose lists name.
 *
 * @param space standard or extended (the header cannot be hidden)
 * @param id    the capability id
 */
public record CapabilityKey(CapabilitySpace space, int id) {

    public CapabilityKey {
        if (space == CapabilitySpace.HEADER) {
            throw new IllegalArgumentException("the header is not a capability that can be listed");
        }
        int max = space == CapabilitySpace.STANDARD ? 0xff : 0xffff;
        if (id < 0 || id > max) {
            throw new IllegalArgumentException("capability id 0x" + Integer.toHexString(id) + " out of range for " + space.property());
        }
    }

    /**
     * Parses {@code 0x05} or {@code 5} (a standard capability) and {@code ext:0x0001} (an extended one).
     *
     * @throws IllegalArgumentException naming the text
     */
    public static CapabilityKey parse(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        CapabilitySpace space = CapabilitySpace.STANDARD;
        if (s.startsWith("ext:")) {
            space = CapabilitySpace.EXTENDED;
            s = s.substring(4);
        }
        try {
            int id = s.startsWith("0x") ? Integer.parseInt(s.substring(2), 16) : Integer.parseInt(s);
            return new CapabilityKey(space, id);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a capability id: '" + text + "' (expected 0x05 or ext:0x0001)", e);
        }
    }

    /** {@code 0x05} or {@code ext:0x0001}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return space == CapabilitySpace.STANDARD ? String.format("0x%02x", id) : String.format("ext:0x%04x", id);
    }
}
