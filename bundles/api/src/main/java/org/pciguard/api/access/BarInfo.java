package org.pciguard.api.access;

/**
 * One implemented BAR of a physical function (or its Expansion ROM).
 *
 * @param index        0..5 for BAR0..BAR5, {@link #ROM_INDEX} for the Expansion ROM
 * @param kind         what the BAR decodes
 * @param size         size in bytes, a power of two
 * @param prefetchable the prefetchable bit of a memory BAR
 * @param sizeInferred true when no size was known and the largest size the address alignment
 *                     allows was assumed (the simulated backend without {@code lspci -vvv} lines)
 * @param hostAddress  the address the host assigned; never shown to a guest
 */
public record BarInfo(int index, BarKind kind, long size, boolean prefetchable, boolean sizeInferred, long hostAddress) {

    /** Index used for the Expansion ROM BAR. */
    public static final int ROM_INDEX = 6;

    public BarInfo {
        if (index < 0 || index > ROM_INDEX) {
            throw new IllegalArgumentException("BAR index " + index + " out of range 0.." + ROM_INDEX);
        }
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("BAR " + index + " size " + size + " is not a power of two");
        }
    }

    /** Configuration-space offset of this BAR register ({@code 0x10 + 4*index}, or 0x30 for the ROM). */
    public int registerOffset() {
        return index == ROM_INDEX ? 0x30 : 0x10 + 4 * index;
    }
}
