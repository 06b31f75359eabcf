package org.pciguard.security;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_MASK;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_NORMAL;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.Shipped;

/**
 * Drives one device image through everything a guest and a host can do to it (open, every read at
 * every width, writes everywhere, BAR accesses with decode on, a reset), checking the robustness
 * contract: nothing throws but a {@link PciAccessException} naming the device, the guest's chains
 * stay finite. Used by the malformed-device corpus and the fuzz target.
 */
final class Exercise {

    private Exercise() {
    }

    /**
     * @param label  what the image is, for failure messages
     * @param random the source of written values
     * @param writes how many random writes besides the all-ones and all-zeros sweeps
     * @return true when the device opened (false: refused, as a bridge or a function of a reserved header type is)
     */
    static boolean run(DeviceImage image, String label, Random random, int writes) {
        SimulatedDevice phys;
        try {
            phys = Shipped.fresh(image);
        } catch (PciAccessException e) {
            return false;
        }
        CoreRuntime rt = Fixtures.runtime();
        VirtualDevice v;
        try {
            v = rt.open(phys);
        } catch (PciAccessException e) {
            int type = image.config()[HEADER_TYPE] & HEADER_TYPE_MASK;
            assertTrue(type != HEADER_TYPE_NORMAL || image.configSize() < 256,
                    label + ": a type-0 function was refused: " + e.getMessage());
            assertTrue(e.getMessage().startsWith(phys.address().toString()), label + ": " + e.getMessage());
            return false;
        }
        try {
            chains(v, label);
            readEverything(v, label);
            for (int value : new int[] {-1, 0}) {
                for (int off = 0; off < v.configSize(); off += 4) {
                    write(v, off, 4, value, label);
                }
                chains(v, label);
            }
            for (int k = 0; k < writes; k++) {
                int size = 1 << random.nextInt(3);
                write(v, random.nextInt(v.configSize() / size) * size, size, random.nextInt(), label);
            }
            chains(v, label);
            write(v, COMMAND, 2, Command.MEMORY | Command.IO, label);
            for (BarInfo b : phys.bars()) {
                if (b.index() < BarInfo.ROM_INDEX) {
                    bar(v, b, random, label);
                }
            }
            List<ResetKind> resets = new ArrayList<>(phys.resets());
            if (!resets.isEmpty()) {
                guarded(() -> v.reset(resets.get(random.nextInt(resets.size()))), v, label);
            }
            readEverything(v, label);
            chains(v, label);
            rt.snapshot();
        } finally {
            v.close();
            rt.close();
        }
        return true;
    }

    static void chains(VirtualDevice v, String label) {
        try {
            Fixtures.guestStandardChain(v);
            Fixtures.guestExtendedChain(v);
        } catch (PciAccessException e) {
            assertTrue(e.getMessage().contains("the device failed") || e.getMessage().contains("closed"),
                    label + ": " + e.getMessage());
        } catch (AssertionError e) {
            throw new AssertionError(label + ": " + e.getMessage(), e);
        }
    }

    private static void readEverything(VirtualDevice v, String label) {
        for (int size = 1; size <= 4; size <<= 1) {
            for (int off = 0; off < v.configSize(); off += size) {
                int o = off;
                int s = size;
                guarded(() -> v.read(o, s), v, label);
            }
        }
    }

    private static void write(VirtualDevice v, int off, int size, int value, String label) {
        guarded(() -> v.write(off, size, value), v, label);
    }

    private static void bar(VirtualDevice v, BarInfo b, Random random, String label) {
        long span = Math.min(b.size(), 1 << 16);
        for (int k = 0; k < 16; k++) {
            int size = 1 << random.nextInt(b.kind() == org.pciguard.api.access.BarKind.IO ? 3 : 4);
            long off = (random.nextLong() & Long.MAX_VALUE) % Math.max(1, span / size) * size;
            if (random.nextBoolean()) {
                guarded(() -> v.barRead(b.index(), off, size), v, label);
            } else {
                guarded(() -> v.barWrite(b.index(), off, size, random.nextLong()), v, label);
            }
        }
    }

    /** Runs a guest or host operation: it may be refused, with the device named, and nothing else. */
    static void guarded(Runnable op, VirtualDevice v, String label) {
        try {
            op.run();
        } catch (PciAccessException e) {
            assertTrue(e.getMessage().startsWith(v.address().toString()), label + ": " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(label + ": " + e + " escaped to the caller", e);
        }
    }
}
