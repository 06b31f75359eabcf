package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.pciguard.api.access.ResetKind;

/**
 * Proves a register's write semantics by behaviour: for every width not wider than the register and
 * every aligned offset inside it, from the power-on state, writes all-ones and reads back (read-only
 * bits kept, read-write bits set, RW1C bits cleared), then writes zeros (read-write bits cleared,
 * the rest unchanged). Bytes of the register outside the access are never changed.
 */
final class RegisterProbe {

    private RegisterProbe() {
    }

    /**
     * @param off  the register's offset
     * @param len  its width: 1, 2 or 4
     * @param rw   its read-write bits
     * @param rw1c its RW1C bits
     */
    static void probe(SimulatedDevice d, String name, int off, int len, int rw, int rw1c) {
        for (int width = 1; width <= len; width *= 2) {
            for (int at = off; at < off + len; at += width) {
                d.reset(ResetKind.BUS);
                int before = d.readConfig(off, len);
                int covered = mask(width) << (8 * (at - off));
                d.writeConfig(at, width, mask(width));
                int afterOnes = before & ~(covered & (rw | rw1c)) | covered & rw;
                assertEquals(hex(afterOnes, len), hex(d.readConfig(off, len), len),
                        name + ": all-ones written at 0x" + Integer.toHexString(at) + " width " + width);
                d.writeConfig(at, width, 0);
                int afterZeros = afterOnes & ~(covered & rw);
                assertEquals(hex(afterZeros, len), hex(d.readConfig(off, len), len),
                        name + ": zeros written at 0x" + Integer.toHexString(at) + " width " + width);
            }
        }
        d.reset(ResetKind.BUS);
    }

    /** A read-only register: nothing a write does changes it. */
    static void readOnly(SimulatedDevice d, String name, int off, int len) {
        probe(d, name, off, len, 0, 0);
    }

    private static int mask(int width) {
        return width == 4 ? -1 : (1 << (8 * width)) - 1;
    }

    private static String hex(int v, int len) {
        return String.format("0x%0" + 2 * len + "x", len == 4 ? v : v & mask(len));
    }
}
