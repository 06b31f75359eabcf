package org.pciguard.walker;

import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_EXP_SIZE;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.STD_HEADER_SIZEOF;
import static org.pciguard.walker.ConfigBytes.u16;
import static org.pciguard.walker.ConfigBytes.u32;
import static org.pciguard.walker.ConfigBytes.u8;

import java.util.ArrayList;
import java.util.List;

import org.pciguard.api.capability.Anomaly;
import org.pciguard.api.capability.AnomalyKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.walker.CapRegs.ExtSizes;

/**
 * One walk of one configuration space: the state of a single {@link DefaultCapabilityWalker#walk}
 * call. Bounded by a visited set and a step limit per chain; allocation is a few small arrays and
 * the result lists, nothing per step except the capabilities found.
 */
final class ConfigWalk {

    /** Standard chain step bound: 48 dword slots in 0x40..0xff (Linux {@code PCI_FIND_CAP_TTL}). */
    static final int STANDARD_TTL = (CFG_SPACE_SIZE - STD_HEADER_SIZEOF) / Integer.BYTES;
    /**
     * Extended chain step bound, as {@link org.pciguard.api.capability.CapabilityWalker} documents it:
     * (4096 - 256) / 8, two dwords per capability; a looping chain meets the visited set first.
     */
    static final int EXTENDED_TTL = (CFG_SPACE_EXP_SIZE - CFG_SPACE_SIZE) / (2 * Integer.BYTES);
    /** Capability pointers and extended next pointers have their low two bits reserved. */
    private static final int POINTER_RESERVED = 0x3;

    private static final String UNLISTED = "; the function has no PCI Express or PCI-X capability, so its "
            + "extended space is not listed";

    private final byte[] c;
    private final int size;
    private final List<Capability> standard = new ArrayList<>();
    private final List<Capability> extended = new ArrayList<>();
    private final List<Anomaly> anomalies = new ArrayList<>(2);
    /** One bit per config dword: a capability was found there. */
    private final long[] visited = new long[CFG_SPACE_EXP_SIZE / Integer.BYTES / Long.SIZE];
    /** One bit per config byte: a listed capability owns it. */
    private final long[] claimed = new long[CFG_SPACE_EXP_SIZE / Long.SIZE];
    /** One bit per capability id below 64 met in the current chain (duplicate detection). */
    private long seen;
    /** Device/port type from the PCI Express capability, -1 without one. */
    private int expType = -1;
    /** Maximum link width from the PCI Express capability, -1 without one. */
    private int lanes = -1;
    /** The PCI Express capability says End-End TLP Prefix Supported (AER then has a prefix log). */
    private boolean eePrefix;
    /** A PCI Express or PCI-X capability was found: the function has extended config space. */
    private boolean hasExtendedSpace;

    ConfigWalk(byte[] config) {
        this.c = config;
        this.size = config.length;
    }

    CapabilityMap run() {
        if (size != STD_HEADER_SIZEOF && size != CFG_SPACE_SIZE && size != CFG_SPACE_EXP_SIZE) {
            anomaly(AnomalyKind.TRUNCATED, CapabilitySpace.HEADER, size, String.format(
                    "config space is %d bytes, not 64, 256 or 4096; walked as far as it reaches", size));
        }
        int headerType = u8(c, PciRegs.HEADER_TYPE) & PciRegs.HEADER_TYPE_MASK;
        int pointerReg = headerType == PciRegs.HEADER_TYPE_CARDBUS ? PciRegs.CB_CAPABILITY_LIST : CAPABILITY_LIST;
        int first = u8(c, pointerReg);
        Capability header = new Capability(CapabilitySpace.HEADER, 0, 0, STD_HEADER_SIZEOF, 0, "header", first,
                false);
        if ((u16(c, PciRegs.STATUS) & PciRegs.Status.CAP_LIST) != 0) {
            walkStandard(pointerReg, first, headerType);
        }
        if (size > CFG_SPACE_SIZE) {
            walkExtended();
        }
        return new CapabilityMap(size, header, standard, extended, anomalies);
    }

    // ---- standard chain ------------------------------------------------------------------------

    private void walkStandard(int pointerReg, int first, int headerType) {
        int raw = first;
        int prev = -1;
        for (int steps = 0; raw != 0; steps++) {
            int pos = raw & ~POINTER_RESERVED;
            if (pos != raw) {
                anomaly(AnomalyKind.MISALIGNED, CapabilitySpace.STANDARD, pos, String.format(
                        "%s is 0x%02x: reserved low bits set; followed as 0x%02x",
                        standardPointer(prev, pointerReg), raw, pos));
                if (pos == 0) {
                    return;
                }
            }
            if (pos < STD_HEADER_SIZEOF) {
                anomaly(AnomalyKind.POINTER_INTO_HEADER, CapabilitySpace.STANDARD, pos, String.format(
                        "%s points to 0x%02x, inside the 64-byte header; standard chain stopped",
                        standardPointer(prev, pointerReg), pos));
                return;
            }
            if (pos + Short.BYTES > size) {
                if (size == STD_HEADER_SIZEOF) {
                    anomaly(AnomalyKind.TRUNCATED, CapabilitySpace.STANDARD, pos, String.format(
                            "only the 64-byte header was read but %s points to 0x%02x; capabilities not walked",
                            standardPointer(prev, pointerReg), pos));
                } else {
                    anomaly(AnomalyKind.OUT_OF_RANGE, CapabilitySpace.STANDARD, pos, String.format(
                            "%s points to 0x%02x, past the end of the %d-byte config space; standard chain stopped",
                            standardPointer(prev, pointerReg), pos, size));
                }
                return;
            }
            if (isVisited(pos)) {
                anomaly(AnomalyKind.LOOP, CapabilitySpace.STANDARD, pos, String.format(
                        "%s points back to %s, already visited; standard chain stopped",
                        standardPointer(prev, pointerReg), standardLabel(pos)));
                return;
            }
            if (steps == STANDARD_TTL) {
                anomaly(AnomalyKind.LOOP, CapabilitySpace.STANDARD, pos, String.format(
                        "standard chain longer than %d capabilities at %s; stopped", STANDARD_TTL,
                        standardLabel(pos)));
                return;
            }
            markVisited(pos);
            int id = u8(c, pos);
            int next = u8(c, pos + 1);
            int length = StandardCaps.length(c, pos, id, headerType);
            boolean known = length != StandardCaps.UNKNOWN;
            Capability cap = new Capability(CapabilitySpace.STANDARD, id, pos,
                    known ? length : StandardCaps.headerLength(id), StandardCaps.version(c, pos, id),
                    StandardCaps.name(id), next, StandardCaps.hidden(id));
            add(standard, cap, known, StandardCaps.mayRepeat(id), Math.min(size, CFG_SPACE_SIZE));
            noteFunctionKind(pos, id);
            prev = pos;
            raw = next;
        }
    }

    /** Remembers what the extended chain needs from the standard one. */
    private void noteFunctionKind(int pos, int id) {
        if (id == CapId.EXP && expType < 0) {
            expType = (u16(c, pos + Exp.FLAGS) & Exp.FLAGS_TYPE) >>> Exp.FLAGS_TYPE_SHIFT;
            lanes = (u32(c, pos + Exp.LNKCAP) & Exp.LNKCAP_MLW) >>> Integer.numberOfTrailingZeros(Exp.LNKCAP_MLW);
            eePrefix = (u16(c, pos + Exp.FLAGS) & Exp.FLAGS_VERS) >= 2
                    && (u32(c, pos + Exp.DEVCAP2) & Exp.DEVCAP2_EE_PREFIX) != 0;
            hasExtendedSpace = true;
        } else if (id == CapId.PCIX) {
            hasExtendedSpace = true;
        }
    }

    private String standardPointer(int prev, int pointerReg) {
        return prev < 0 ? String.format("the Capabilities Pointer at 0x%02x", pointerReg)
                : "the next pointer of " + standardLabel(prev);
    }

    private String standardLabel(int pos) {
        int id = u8(c, pos);
        return label(CapabilitySpace.STANDARD, StandardCaps.name(id), pos, id);
    }

    // ---- extended chain ------------------------------------------------------------------------

    /**
     * Walks the extended chain from 0x100. Only a function with a PCI Express or PCI-X capability has
     * extended config space (as Linux and lspci decide); for any other function the chain is still
     * followed, so a broken one is reported, but nothing is listed.
     */
    private void walkExtended() {
        boolean listed = hasExtendedSpace;
        String suffix = listed ? "" : UNLISTED;
        seen = 0;
        int pos = CFG_SPACE_SIZE;
        int prev = -1;
        for (int steps = 0;; steps++) {
            if (pos + Integer.BYTES > size) {
                anomaly(AnomalyKind.OUT_OF_RANGE, CapabilitySpace.EXTENDED, pos, String.format(
                        "%s points to 0x%03x, past the end of the %d-byte config space; extended chain stopped%s",
                        extendedPointer(prev), pos, size, suffix));
                return;
            }
            if (isVisited(pos)) {
                anomaly(AnomalyKind.LOOP, CapabilitySpace.EXTENDED, pos, String.format(
                        "%s points back to %s, already visited; extended chain stopped%s",
                        extendedPointer(prev), extendedLabel(pos), suffix));
                return;
            }
            if (steps == EXTENDED_TTL) {
                anomaly(AnomalyKind.LOOP, CapabilitySpace.EXTENDED, pos, String.format(
                        "extended chain longer than %d capabilities at %s; stopped%s", EXTENDED_TTL,
                        extendedLabel(pos), suffix));
                return;
            }
            int header = u32(c, pos);
            if (header == 0) {
                return; // no (further) extended capabilities, as Linux and lspci read it
            }
            if (header == -1) {
                anomaly(AnomalyKind.ALL_ONES_HEADER, CapabilitySpace.EXTENDED, pos, String.format(
                        "extended capability header at 0x%03x (from %s) reads 0xffffffff; extended chain stopped%s",
                        pos, extendedPointer(prev), suffix));
                return;
            }
            markVisited(pos);
            int id = header & ExtCapHeader.ID_MASK;
            int version = (header >>> ExtCapHeader.VERSION_SHIFT) & ExtCapHeader.VERSION_MASK;
            int rawNext = header >>> ExtCapHeader.NEXT_SHIFT;
            if (listed) {
                int length = ExtendedCaps.length(c, pos, id, version, expType, lanes, eePrefix);
                boolean known = length != ExtendedCaps.UNKNOWN;
                Capability cap = new Capability(CapabilitySpace.EXTENDED, id, pos,
                        known ? length : ExtSizes.HEADER_SIZEOF, version, ExtendedCaps.name(id), rawNext,
                        ExtendedCaps.hidden(id));
                add(extended, cap, known, ExtendedCaps.mayRepeat(id), Math.min(size, CFG_SPACE_EXP_SIZE));
            }
            int next = rawNext & ExtCapHeader.NEXT_MASK;
            if (next != rawNext) {
                anomaly(AnomalyKind.MISALIGNED, CapabilitySpace.EXTENDED, next, String.format(
                        "the next pointer of %s is 0x%03x: reserved low bits set; followed as 0x%03x%s",
                        extendedLabel(pos), rawNext, next, suffix));
            }
            if (next == 0) {
                return;
            }
            if (next < CFG_SPACE_SIZE) {
                anomaly(AnomalyKind.POINTER_INTO_HEADER, CapabilitySpace.EXTENDED, next, String.format(
                        "the next pointer of %s points to 0x%03x, below 0x100; extended chain stopped%s",
                        extendedLabel(pos), next, suffix));
                return;
            }
            prev = pos;
            pos = next;
        }
    }

    private String extendedPointer(int prev) {
        return prev < 0 ? "the start of extended space" : "the next pointer of " + extendedLabel(prev);
    }

    private String extendedLabel(int pos) {
        int id = u32(c, pos) & ExtCapHeader.ID_MASK;
        return label(CapabilitySpace.EXTENDED, ExtendedCaps.name(id), pos, id);
    }

    // ---- capabilities and byte ownership -------------------------------------------------------

    /**
     * Lists one capability: reports an unknown length, cuts it at {@code limit}, reports bytes it
     * shares with an earlier capability (which keeps them) and a second instance of a unique id.
     */
    private void add(List<Capability> list, Capability cap, boolean knownLength, boolean mayRepeat, int limit) {
        if (!knownLength) {
            anomaly(AnomalyKind.UNKNOWN_LENGTH, cap.space(), cap.offset(), String.format(
                    "the length of %s is unknown; only its %d-byte header is owned", label(cap), cap.length()));
        }
        if (cap.end() > limit) {
            int cut = limit - cap.offset();
            anomaly(AnomalyKind.PAST_END, cap.space(), cap.offset(), String.format(
                    "%s is %d bytes and runs past 0x%x, the end of %s; cut to %d bytes", label(cap), cap.length(),
                    limit, cap.space() == CapabilitySpace.STANDARD && limit < size ? "standard config space"
                            : "config space", cut));
            cap = new Capability(cap.space(), cap.id(), cap.offset(), cut, cap.version(), cap.name(), cap.next(),
                    cap.hiddenByDefault());
        }
        if (isClaimed(cap.offset(), cap.end())) {
            reportOverlap(list, cap);
        }
        claim(cap.offset(), cap.end());
        if (!mayRepeat && cap.id() < Long.SIZE) {
            long bit = 1L << cap.id();
            if ((seen & bit) != 0) {
                anomaly(AnomalyKind.DUPLICATE, cap.space(), cap.offset(), String.format(
                        "%s repeats %s; the specification allows one", label(cap), firstWithId(list, cap.id())));
            }
            seen |= bit;
        }
        list.add(cap);
    }

    private void reportOverlap(List<Capability> list, Capability cap) {
        for (Capability other : list) {
            if (other.offset() < cap.end() && cap.offset() < other.end()) {
                anomaly(AnomalyKind.OVERLAP, cap.space(), cap.offset(), String.format(
                        "%s (0x%x..0x%x) overlaps %s (0x%x..0x%x) at 0x%x..0x%x; the bytes stay with %s", label(cap),
                        cap.offset(), cap.end() - 1, label(other), other.offset(), other.end() - 1,
                        Math.max(cap.offset(), other.offset()), Math.min(cap.end(), other.end()) - 1, other.label()));
                return;
            }
        }
    }

    /** The label of the first capability with {@code id} in {@code list}. */
    private static String firstWithId(List<Capability> list, int id) {
        for (Capability cap : list) {
            if (cap.id() == id) {
                return cap.label();
            }
        }
        return "an earlier instance";
    }

    private static String label(Capability cap) {
        return label(cap.space(), cap.name(), cap.offset(), cap.id());
    }

    /** {@code MSI@0x50 (id 0x05)} / {@code AER@0x100 (id 0x0001)}. */
    private static String label(CapabilitySpace space, String name, int offset, int id) {
        return space == CapabilitySpace.EXTENDED ? String.format("%s@0x%03x (id 0x%04x)", name, offset, id)
                : String.format("%s@0x%02x (id 0x%02x)", name, offset, id);
    }

    private boolean isVisited(int pos) {
        int dword = pos >>> 2;
        return (visited[dword >>> 6] & 1L << dword) != 0;
    }

    private void markVisited(int pos) {
        int dword = pos >>> 2;
        visited[dword >>> 6] |= 1L << dword;
    }

    /** Whether any byte in [from, to) is claimed; word-wise over the bitset. */
    private boolean isClaimed(int from, int to) {
        for (int b = from; b < to;) {
            int word = b >>> 6;
            int wordEnd = Math.min(to, (word + 1) << 6);
            long mask = rangeMask(b, wordEnd);
            if ((claimed[word] & mask) != 0) {
                return true;
            }
            b = wordEnd;
        }
        return false;
    }

    private void claim(int from, int to) {
        for (int b = from; b < to;) {
            int word = b >>> 6;
            int wordEnd = Math.min(to, (word + 1) << 6);
            claimed[word] |= rangeMask(b, wordEnd);
            b = wordEnd;
        }
    }

    /** The bits of bytes [from, to) within one 64-byte word of the bitset. */
    private static long rangeMask(int from, int to) {
        int n = to - from;
        long bits = n == Long.SIZE ? -1L : (1L << n) - 1;
        return bits << (from & (Long.SIZE - 1));
    }

    private void anomaly(AnomalyKind kind, CapabilitySpace space, int offset, String detail) {
        anomalies.add(new Anomaly(kind, space, offset, detail));
    }
}
