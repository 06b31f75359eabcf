package org.pciguard.security;

import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_EXP_SIZE;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_CARDBUS;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_MASK;
import static org.pciguard.api.regs.PciRegs.STATUS;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.capability.AnomalyKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.regs.PciRegs.Vndr;
import org.pciguard.testing.ConfigBytes;

/**
 * One way of breaking a real device's configuration space, as a looping, lying or broken device
 * (or a reflashed firmware) would present it. Each applies to the dumps that have what it breaks, and
 * names the anomalies the walker must report for it (any one of them; empty where the walker has no
 * anomaly for it and only robustness is asked).
 */
enum Mutation {

    STANDARD_SELF_LOOP(AnomalyKind.LOOP) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastStandard(m);
            return last != null && set1(c, last.offset() + CAP_LIST_NEXT, last.offset());
        }
    },
    STANDARD_LOOP_TO_FIRST(AnomalyKind.LOOP) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastStandard(m);
            return m.standard().size() >= 2 && set1(c, last.offset() + CAP_LIST_NEXT, m.standard().get(0).offset());
        }
    },
    STANDARD_POINTER_INTO_HEADER(AnomalyKind.POINTER_INTO_HEADER) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastStandard(m);
            return last != null && set1(c, last.offset() + CAP_LIST_NEXT, STATUS);
        }
    },
    CAPABILITIES_POINTER_INTO_HEADER(AnomalyKind.POINTER_INTO_HEADER) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            return hasCapList(c) && !cardBus(c) && set1(c, CAPABILITY_LIST, HEADER_TYPE & ~3);
        }
    },
    STANDARD_UNALIGNED_POINTER(AnomalyKind.MISALIGNED) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            return !m.standard().isEmpty() && !cardBus(c) && set1(c, CAPABILITY_LIST, m.standard().get(0).offset() | 2);
        }
    },
    STANDARD_CAPABILITY_PAST_THE_END(AnomalyKind.PAST_END) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            // An MSI capability of 24 bytes (64-bit, per-vector masking) at 0xf8 in a 256-byte list.
            Capability last = lastStandard(m);
            int at = CFG_SPACE_SIZE - 8;
            if (last == null || last.end() > at) {
                return false;
            }
            ConfigBytes.put(c, at + CAP_LIST_ID, 1, CapId.MSI);
            ConfigBytes.put(c, at + CAP_LIST_NEXT, 1, 0);
            ConfigBytes.put(c, at + Msi.FLAGS, 2, Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT);
            return set1(c, last.offset() + CAP_LIST_NEXT, at);
        }
    },
    STANDARD_POINTER_INTO_ANOTHER_CAPABILITY(AnomalyKind.OVERLAP, AnomalyKind.LOOP, AnomalyKind.UNKNOWN_LENGTH,
            AnomalyKind.DUPLICATE, AnomalyKind.PAST_END) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastStandard(m);
            Capability first = m.standard().isEmpty() ? null : m.standard().get(0);
            return first != null && first.length() >= 8 && first != last
                    && set1(c, last.offset() + CAP_LIST_NEXT, first.offset() + 4);
        }
    },
    DUPLICATE_STANDARD_CAPABILITY(AnomalyKind.DUPLICATE, AnomalyKind.OVERLAP, AnomalyKind.PAST_END,
            AnomalyKind.UNKNOWN_LENGTH) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            // The second capability claims the id of the first (two PM, two MSI, two PCIe...).
            int id = m.standard().isEmpty() ? CapId.VNDR : m.standard().get(0).id();
            return m.standard().size() >= 2 && id != CapId.VNDR && id != CapId.HT
                    && set1(c, m.standard().get(1).offset() + CAP_LIST_ID, m.standard().get(0).id());
        }
    },
    ZERO_LENGTH_VENDOR_CAPABILITY {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastStandard(m);
            if (last == null) {
                return false;
            }
            ConfigBytes.put(c, last.offset() + CAP_LIST_ID, 1, CapId.VNDR);
            return set1(c, last.offset() + Vndr.LEN, 0);
        }
    },
    CAPABILITIES_POINTER_WITHOUT_CAPABILITIES_LIST {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            if (!hasCapList(c)) {
                return false;
            }
            ConfigBytes.put(c, STATUS, 2, ConfigBytes.get(c, STATUS, 2) & ~Status.CAP_LIST);
            return true;
        }
    },
    EXTENDED_SELF_LOOP(AnomalyKind.LOOP) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastExtended(m);
            return last != null && setNext(c, last.offset(), last.offset());
        }
    },
    EXTENDED_LOOP_TO_FIRST(AnomalyKind.LOOP) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastExtended(m);
            return m.extended().size() >= 2 && setNext(c, last.offset(), CFG_SPACE_SIZE);
        }
    },
    EXTENDED_POINTER_BELOW_0X100(AnomalyKind.POINTER_INTO_HEADER) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastExtended(m);
            return last != null && setNext(c, last.offset(), m.standard().isEmpty() ? 0x40 : m.standard().get(0).offset());
        }
    },
    EXTENDED_UNALIGNED_POINTER(AnomalyKind.MISALIGNED) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastExtended(m);
            return last != null && last.offset() != 0xf00 && setNext(c, last.offset(), 0xf00 | 1);
        }
    },
    EXTENDED_CAPABILITY_PAST_THE_END(AnomalyKind.PAST_END) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            // An AER capability (0x2c bytes) in the last dword of extended space.
            Capability last = lastExtended(m);
            int at = CFG_SPACE_EXP_SIZE - 4;
            if (last == null || last.end() > at) {
                return false;
            }
            ConfigBytes.put(c, at, 4, 1 << ExtCapHeader.VERSION_SHIFT | ExtCapId.ERR);
            return setNext(c, last.offset(), at);
        }
    },
    ALL_ONES_FIRST_EXTENDED_HEADER(AnomalyKind.ALL_ONES_HEADER) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            if (m.extended().isEmpty()) {
                return false;
            }
            ConfigBytes.put(c, CFG_SPACE_SIZE, 4, -1);
            return true;
        }
    },
    ALL_ONES_LATER_EXTENDED_HEADER(AnomalyKind.ALL_ONES_HEADER) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            Capability last = lastExtended(m);
            int at = 0xf80;
            if (last == null || last.end() > at) {
                return false;
            }
            ConfigBytes.put(c, at, 4, -1);
            return setNext(c, last.offset(), at);
        }
    },
    UNKNOWN_FIRST_EXTENDED_CAPABILITY {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            if (m.extended().isEmpty()) {
                return false;
            }
            int header = ConfigBytes.get(c, CFG_SPACE_SIZE, 4);
            // An id no specification assigns, version 1, the next pointer kept.
            ConfigBytes.put(c, CFG_SPACE_SIZE, 4, (header & ~(ExtCapHeader.ID_MASK | ExtCapHeader.VERSION_MASK << ExtCapHeader.VERSION_SHIFT))
                    | 1 << ExtCapHeader.VERSION_SHIFT | 0xfeed);
            return true;
        }
    },
    DUPLICATE_EXTENDED_CAPABILITY(AnomalyKind.DUPLICATE, AnomalyKind.OVERLAP, AnomalyKind.PAST_END,
            AnomalyKind.UNKNOWN_LENGTH) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            if (m.extended().size() < 2 || m.extended().get(0).id() != ExtCapId.ERR) {
                return false;
            }
            Capability second = m.extended().get(1);
            int header = ConfigBytes.get(c, second.offset(), 4);
            ConfigBytes.put(c, second.offset(), 4, (header & ~ExtCapHeader.ID_MASK) | ExtCapId.ERR);
            return true;
        }
    },
    MSIX_RESERVED_BIR {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            return msix(m).map(x -> {
                ConfigBytes.put(c, x.offset() + Msix.TABLE, 4, (ConfigBytes.get(c, x.offset() + Msix.TABLE, 4) & ~Msix.TABLE_BIR) | 7);
                ConfigBytes.put(c, x.offset() + Msix.PBA, 4, (ConfigBytes.get(c, x.offset() + Msix.PBA, 4) & ~Msix.PBA_BIR) | 6);
                return true;
            }).orElse(false);
        }
    },
    MSIX_BIR_OF_AN_UNIMPLEMENTED_BAR {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            int free = -1;
            for (int b = 5; b >= 0 && free < 0; b--) {
                final int bar = b;
                if (bars.stream().noneMatch(i -> i.index() == bar || i.index() == bar - 1 && i.size() > 0
                        && i.kind() == org.pciguard.api.access.BarKind.MEMORY64)) {
                    free = b;
                }
            }
            int bir = free;
            return bir >= 0 && msix(m).map(x -> {
                ConfigBytes.put(c, x.offset() + Msix.TABLE, 4, (ConfigBytes.get(c, x.offset() + Msix.TABLE, 4) & ~Msix.TABLE_BIR) | bir);
                return true;
            }).orElse(false);
        }
    },
    MSIX_TABLE_OUTSIDE_ITS_BAR {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            return msix(m).map(x -> {
                int table = ConfigBytes.get(c, x.offset() + Msix.TABLE, 4);
                ConfigBytes.put(c, x.offset() + Msix.TABLE, 4, Msix.TABLE_OFFSET & 0xfffff000 | table & Msix.TABLE_BIR);
                ConfigBytes.put(c, x.offset() + Msix.FLAGS, 2, Msix.FLAGS_QSIZE);
                return true;
            }).orElse(false);
        }
    },
    MSIX_TABLE_OVERLAPPING_ITS_PBA {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            return msix(m).map(x -> {
                ConfigBytes.put(c, x.offset() + Msix.PBA, 4, ConfigBytes.get(c, x.offset() + Msix.TABLE, 4));
                return true;
            }).orElse(false);
        }
    },
    BRIDGE_HEADER_TYPE {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            return set1(c, HEADER_TYPE, 1);
        }
    },
    RESERVED_HEADER_TYPE {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            return set1(c, HEADER_TYPE, 0x7f);
        }
    },
    ALL_ONES_FUNCTION(AnomalyKind.ALL_ONES_HEADER, AnomalyKind.LOOP, AnomalyKind.OUT_OF_RANGE,
            AnomalyKind.PAST_END, AnomalyKind.MISALIGNED) {
        @Override
        boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars) {
            java.util.Arrays.fill(c, (byte) 0xff);
            return true;
        }
    };

    /** The anomalies the walker may report for this mutation; one of them must be reported. */
    final Set<AnomalyKind> expected;

    Mutation(AnomalyKind... expected) {
        this.expected = expected.length == 0 ? EnumSet.noneOf(AnomalyKind.class) : EnumSet.of(expected[0], expected);
    }

    /**
     * Breaks {@code c} in place.
     *
     * @param m    the walker's map of the unbroken bytes
     * @param bars the function's BARs
     * @return false when the device lacks what this mutation breaks
     */
    abstract boolean apply(byte[] c, CapabilityMap m, List<BarInfo> bars);

    private static boolean set1(byte[] c, int offset, int value) {
        if (offset >= c.length) {
            return false;
        }
        c[offset] = (byte) value;
        return true;
    }

    private static boolean setNext(byte[] c, int at, int next) {
        int header = ConfigBytes.get(c, at, 4);
        ConfigBytes.put(c, at, 4, (header & ~(-1 << ExtCapHeader.NEXT_SHIFT)) | next << ExtCapHeader.NEXT_SHIFT);
        return true;
    }

    /** A CardBus bridge keeps its Capabilities Pointer at 0x14, not 0x34. */
    private static boolean cardBus(byte[] c) {
        return (c[HEADER_TYPE] & HEADER_TYPE_MASK) == HEADER_TYPE_CARDBUS;
    }

    private static boolean hasCapList(byte[] c) {
        return (ConfigBytes.get(c, STATUS, 2) & Status.CAP_LIST) != 0;
    }

    private static Capability lastStandard(CapabilityMap m) {
        return m.standard().isEmpty() ? null : m.standard().get(m.standard().size() - 1);
    }

    private static Capability lastExtended(CapabilityMap m) {
        return m.extended().isEmpty() ? null : m.extended().get(m.extended().size() - 1);
    }

    private static Optional<Capability> msix(CapabilityMap m) {
        return m.standard().stream().filter(x -> x.id() == CapId.MSIX).findFirst();
    }
}
