package org.pciguard.api.handler;

/**
 * A range of BAR space a handler emulates (the MSI-X table or PBA): guest accesses to it are
 * served from the core's shadow of the region and reported to the handler, never sent to the device.
 *
 * @param bar     BAR index 0..5
 * @param offset  offset inside the BAR
 * @param length  length in bytes
 * @param purpose what it is, for messages ({@code MSI-X table})
 */
public record BarRegion(int bar, long offset, long length, String purpose) {

    public BarRegion {
        if (bar < 0 || bar > 5 || offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad BAR region " + purpose + ": BAR " + bar + " offset 0x"
                    + Long.toHexString(offset) + " length " + length);
        }
    }

    /** Whether {@code [off, off + size)} of BAR {@code b} lies inside this region. */
    public boolean covers(int b, long off, int size) {
        return b == bar && off >= offset && off + size <= offset + length;
    }

    /** Whether {@code [off, off + size)} of BAR {@code b} touches this region at all. */
    public boolean overlaps(int b, long off, int size) {
        return b == bar && off < offset + length && off + size > offset;
    }
}
