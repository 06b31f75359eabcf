package org.pciguard.api.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The access rights of a guest to each bit of one capability, relative to the capability's start.
 * Built in code, one line per register, each line with its reason:
 *
 * <pre>
 * PermissionTable.builder(8)
 *     .at(PciRegs.Pm.PMC, 2).constant(0xffff).because("capabilities are fixed by hardware")
 *     .at(PciRegs.Pm.CTRL, 2).virtual(Pm.CTRL_PME_ENABLE | Pm.CTRL_PME_STATUS).because("PME is not given to guests")
 *     .build();
 * </pre>
 *
 * Each bit has four attributes (DESIGN.md, "The mask model"):
 * <ul>
 * <li><b>virtual</b>: served from and stored to the shadow, never the device;</li>
 * <li><b>writable</b>: the guest may change it (in the shadow if virtual, else on the device);</li>
 * <li><b>write-one-to-clear</b>: writing 1 clears it; where the bit is not writable, the guest
 * may not clear it and every read-modify-write writes 0 to it;</li>
 * <li><b>constant</b>: a non-virtual bit the spec makes read-only and fixed, served from the
 * open-time snapshot without a device access.</li>
 * </ul>
 * A bit with none of them reads through from the device and is read-only. Immutable.
 */
public final class PermissionTable {

    /**
     * One line of the table as it was written, for introspection and documentation.
     *
     * @param offset    offset relative to the capability
     * @param width     1, 2 or 4
     * @param virtual   virtual bits
     * @param writable  writable bits
     * @param writeOneToClear RW1C bits
     * @param constant  constant bits
     * @param reason    why
     */
    public record Line(int offset, int width, int virtual, int writable, int writeOneToClear, int constant,
            String reason) {
    }

    private final byte[] virtual;
    private final byte[] writable;
    private final byte[] writeOneToClear;
    private final byte[] constant;
    private final List<Line> lines;

    private PermissionTable(Builder b) {
        this.virtual = b.virtual.clone();
        this.writable = b.writable.clone();
        this.writeOneToClear = b.w1c.clone();
        this.constant = b.constant.clone();
        this.lines = List.copyOf(b.lines);
    }

    /** A table of {@code length} bytes with no line yet. */
    public static Builder builder(int length) {
        return new Builder(length);
    }

    /** Every bit read through from the device, nothing writable: the read-only fallback. */
    public static PermissionTable readOnly(int length) {
        return builder(length).build();
    }

    /** Length in bytes. */
    public int length() {
        return virtual.length;
    }

    /** Virtual bits of the byte at {@code offset} (relative), 0..0xff. */
    public int virtualByte(int offset) {
        return virtual[offset] & 0xff;
    }

    /** Writable bits of the byte at {@code offset}. */
    public int writableByte(int offset) {
        return writable[offset] & 0xff;
    }

    /** RW1C bits of the byte at {@code offset}. */
    public int writeOneToClearByte(int offset) {
        return writeOneToClear[offset] & 0xff;
    }

    /** Constant bits of the byte at {@code offset}. */
    public int constantByte(int offset) {
        return constant[offset] & 0xff;
    }

    /** The lines the table was built from, in order. */
    public List<Line> lines() {
        return lines;
    }

    /** Builds a {@link PermissionTable}. Not thread-safe. */
    public static final class Builder {
        private final byte[] virtual;
        private final byte[] writable;
        private final byte[] w1c;
        private final byte[] constant;
        private final List<Line> lines = new ArrayList<>();

        private Builder(int length) {
            if (length < 0 || length > 4096) {
                throw new IllegalArgumentException("permission table length " + length + " out of range 0..4096");
            }
            virtual = new byte[length];
            writable = new byte[length];
            w1c = new byte[length];
            constant = new byte[length];
        }

        /** Starts the line of the register at {@code offset} (relative) of {@code width} bytes. */
        public Register at(int offset, int width) {
            if (width != 1 && width != 2 && width != 4) {
                throw new IllegalArgumentException("register width " + width + " at +0x" + Integer.toHexString(offset)
                        + " is not 1, 2 or 4");
            }
            if (offset < 0 || offset + width > virtual.length) {
                throw new IllegalArgumentException("register +0x" + Integer.toHexString(offset) + " of " + width
                        + " bytes lies outside the table of " + virtual.length + " bytes");
            }
            return new Register(this, offset, width);
        }

        /** The table. */
        public PermissionTable build() {
            return new PermissionTable(this);
        }

        private void add(Line line) {
            for (int i = 0; i < line.width(); i++) {
                int shift = 8 * i;
                int at = line.offset() + i;
                virtual[at] |= (byte) (line.virtual() >>> shift);
                writable[at] |= (byte) (line.writable() >>> shift);
                w1c[at] |= (byte) (line.writeOneToClear() >>> shift);
                constant[at] |= (byte) (line.constant() >>> shift);
            }
            lines.add(line);
        }
    }

    /** One register line being written; finished by {@link #because(String)}. */
    public static final class Register {
        private final Builder owner;
        private final int offset;
        private final int width;
        private int virtual;
        private int writable;
        private int w1c;
        private int constant;

        private Register(Builder owner, int offset, int width) {
            this.owner = owner;
            this.offset = offset;
            this.width = width;
        }

        /** These bits are served from and stored to the shadow. */
        public Register virtual(int mask) {
            virtual |= mask;
            return this;
        }

        /** The guest may change these bits. */
        public Register writable(int mask) {
            writable |= mask;
            return this;
        }

        /** These bits are RW1C and the guest may clear them: writable, and writing 1 clears them. */
        public Register writeOneToClear(int mask) {
            writable |= mask;
            w1c |= mask;
            return this;
        }

        /**
         * These device bits are RW1C in hardware but the guest may not clear them: every
         * read-modify-write of the register writes 0 to them, so they survive guest writes to
         * neighbouring bits (PCIe Device Status errors under a 4-byte write at Device Control).
         */
        public Register deviceWriteOneToClear(int mask) {
            w1c |= mask;
            return this;
        }

        /** These device bits are fixed by the spec and served from the open-time snapshot. */
        public Register constant(int mask) {
            constant |= mask;
            return this;
        }

        /**
         * Finishes the line with its reason.
         *
         * @throws IllegalArgumentException when a mask does not fit the width, or a constant bit is
         *                                  also virtual or writable
         */
        public Builder because(String reason) {
            Objects.requireNonNull(reason, "reason");
            int full = width == 4 ? -1 : (1 << (8 * width)) - 1;
            String where = "register +0x" + Integer.toHexString(offset) + " (" + width + " bytes, " + reason + ")";
            if (((virtual | writable | constant) & ~full) != 0) {
                throw new IllegalArgumentException(where + ": a mask is wider than the register");
            }
            if ((constant & (virtual | writable)) != 0) {
                throw new IllegalArgumentException(where + ": constant bits 0x" + Integer.toHexString(constant & (virtual | writable))
                        + " are also virtual or writable");
            }
            owner.add(new Line(offset, width, virtual, writable, w1c, constant, reason));
            return owner;
        }
    }
}
