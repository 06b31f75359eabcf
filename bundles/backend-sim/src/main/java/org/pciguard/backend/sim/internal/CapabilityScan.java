package org.pciguard.backend.sim.internal;

import java.util.ArrayList;
import java.util.List;

import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.Status;

/**
 * The minimal capability-chain scan the hardware model needs to place its registers: bounded
 * (48 standard steps as Linux's {@code PCI_FIND_CAP_TTL}, one step per dword of extended space),
 * loop-safe (a visited set), pointer bits 1:0 ignored. It reports no anomalies: a broken chain
 * simply ends the scan. The capability walker service is the place for diagnosis.
 */
public final class CapabilityScan {

    /** Most standard capabilities followed: Linux {@code PCI_FIND_CAP_TTL}. */
    static final int STD_TTL = 48;
    /** Most extended capabilities followed: one per 8 bytes of extended space, as Linux bounds it. */
    static final int EXT_TTL = (PciRegs.CFG_SPACE_EXP_SIZE - PciRegs.CFG_SPACE_SIZE) / 8;
    /** Capability pointers are dword aligned: bits 1:0 are reserved. */
    private static final int POINTER_MASK = 0xfc;

    /** One capability found: its id, its offset, and whether it is an extended capability. */
    public record Cap(int id, int offset, boolean extended) {
    }

    private CapabilityScan() {
    }

    /** The standard, then the extended, capabilities of a configuration image, in chain order. */
    public static List<Cap> scan(byte[] cfg) {
        List<Cap> caps = new ArrayList<>();
        int size = cfg.length;
        if (size <= PciRegs.STD_HEADER_SIZEOF) {
            return caps;
        }
        int stdEnd = Math.min(size, PciRegs.CFG_SPACE_SIZE);
        if ((Le.get(cfg, PciRegs.STATUS, 2) & Status.CAP_LIST) != 0) {
            int type = cfg[PciRegs.HEADER_TYPE] & PciRegs.HEADER_TYPE_MASK;
            int pointerReg = type == PciRegs.HEADER_TYPE_CARDBUS ? PciRegs.CB_CAPABILITY_LIST : PciRegs.CAPABILITY_LIST;
            boolean[] seen = new boolean[PciRegs.CFG_SPACE_SIZE];
            int ptr = cfg[pointerReg] & POINTER_MASK;
            for (int ttl = STD_TTL; ttl > 0 && ptr >= PciRegs.STD_HEADER_SIZEOF && ptr + 2 <= stdEnd && !seen[ptr]; ttl--) {
                seen[ptr] = true;
                caps.add(new Cap(cfg[ptr] & 0xff, ptr, false));
                ptr = cfg[ptr + 1] & POINTER_MASK;
            }
        }
        if (size >= PciRegs.CFG_SPACE_EXP_SIZE) {
            boolean[] seen = new boolean[PciRegs.CFG_SPACE_EXP_SIZE / 4];
            int off = PciRegs.CFG_SPACE_SIZE;
            for (int ttl = EXT_TTL; ttl > 0 && off >= PciRegs.CFG_SPACE_SIZE && off + 4 <= size && !seen[off / 4]; ttl--) {
                seen[off / 4] = true;
                int header = Le.get(cfg, off, 4);
                if (header == 0 || header == -1) {
                    break;
                }
                caps.add(new Cap(header & ExtCapHeader.ID_MASK, off, true));
                off = (header >>> ExtCapHeader.NEXT_SHIFT) & ExtCapHeader.NEXT_MASK;
            }
        }
        return caps;
    }

    /** The offset of the first standard ({@code extended == false}) or extended capability with this id, or -1. */
    public static int find(List<Cap> caps, int id, boolean extended) {
        for (Cap c : caps) {
            if (c.id() == id && c.extended() == extended) {
                return c.offset();
            }
        }
        return -1;
    }
}
