package org.pciguard.core;

import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.STATUS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.pciguard.api.capability.Anomaly;
import org.pciguard.api.capability.AnomalyKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityKey;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.virt.DeviceOptions;

/**
 * What the guest sees of one device's capabilities, fixed from an open or a reset to the next:
 * which capabilities are visible, who owns each byte, and the relinked virtual chain. Immutable.
 * <p>
 * Slots are the indexes of {@link CapabilityMap#all()}: slot 0 is the header.
 */
final class Layout {

    /** Anomalies that make a capability unsafe to show: its bytes or its extent cannot be trusted. */
    private static final List<AnomalyKind> UNSAFE = List.of(AnomalyKind.OVERLAP, AnomalyKind.DUPLICATE,
            AnomalyKind.PAST_END, AnomalyKind.UNKNOWN_LENGTH);

    final CapabilityMap map;
    final List<Capability> caps;
    final int configSize;
    final DeviceOptions options;
    /** Per slot: shown in the guest's chain. */
    final boolean[] visible;
    /** Per slot: why it is hidden, or null. */
    final String[] hiddenReason;
    /** Per slot: first byte after the bytes it owns (its length, or the handler's). */
    final int[] end;
    /** Per config byte: the owning slot, or -1 for bytes outside every capability. */
    final short[] owner;
    /** Per config byte: bits forced virtual and read-only, whatever a handler's table says (the chain). */
    final byte[] forced;
    /** Per config byte: the guest-visible value of the forced bits. */
    final byte[] chain;

    private Layout(CapabilityMap map, int configSize, DeviceOptions options, boolean[] visible, String[] hiddenReason,
            int[] end, short[] owner, byte[] forced, byte[] chain) {
        this.map = map;
        this.caps = map.all();
        this.configSize = configSize;
        this.options = options;
        this.visible = visible;
        this.hiddenReason = hiddenReason;
        this.end = end;
        this.owner = owner;
        this.forced = forced;
        this.chain = chain;
    }

    /**
     * Which capabilities the guest sees, by the policy of DESIGN.md: the header always; a capability
     * with an unsafe anomaly never; then the device's hide list, its expose list, and the default
     * policy ({@link Capability#hiddenByDefault()}).
     * <p>
     * A capability that is not hidden by default and has no handler is shown read-only by the
     * fallback table, with its next pointer virtual. This is vfio's rule too: it exposes read-only
     * many extended capabilities that have no special handler (DSN, ARI, ATS, SR-IOV, Multicast, PRI,
     * Resizable BAR, LTR ...; reference 2.14). Which capabilities are visible is decided here only,
     * at open and reset; a handler arriving later never changes it under a running guest.
     *
     * @return per slot, the reason it is hidden, or null when it is visible
     */
    static String[] visibility(CapabilityMap map, int configSize, DeviceOptions options) {
        List<Capability> caps = map.all();
        short[] walkerOwner = ownership(caps, configSize);
        String[] reason = new String[caps.size()];
        for (int s = 1; s < caps.size(); s++) {
            Capability c = caps.get(s);
            String unsafe = unsafe(map, caps, walkerOwner, s);
            CapabilityKey key = new CapabilityKey(c.space(), c.id());
            if (unsafe != null) {
                reason[s] = "anomaly: " + unsafe;
            } else if (options.hide().contains(key)) {
                reason[s] = "configuration: hide " + key;
            } else if (options.expose().contains(key)) {
                reason[s] = null;
            } else if (c.hiddenByDefault()) {
                reason[s] = "default policy";
            }
        }
        return reason;
    }

    /**
     * Capabilities shown only while a handler serves them: MSI and MSI-X carry the host's interrupt
     * messages and their enables, which the read-only fallback would show and a guest driver would
     * try to use (DESIGN.md differences 2 and 3). Without a handler the guest falls back to INTx.
     */
    static boolean needsHandler(Capability c) {
        return c.space() == CapabilitySpace.STANDARD && (c.id() == CapId.MSI || c.id() == CapId.MSIX);
    }

    private static String unsafe(CapabilityMap map, List<Capability> caps, short[] owner, int s) {
        Capability c = caps.get(s);
        for (Anomaly a : map.anomalies()) {
            if (a.space() == c.space() && a.offset() == c.offset() && UNSAFE.contains(a.kind())) {
                return a.kind() + " (" + a.detail() + ")";
            }
        }
        int stop = Math.min(c.end(), owner.length);
        for (int b = Math.max(0, c.offset()); b < stop; b++) {
            if (owner[b] != s) {
                return "OVERLAP with " + caps.get(owner[b]).label() + " at 0x" + Integer.toHexString(b);
            }
        }
        return null;
    }

    /** Owner of every byte, first come first served in header, standard, extended chain order. */
    private static short[] ownership(List<Capability> caps, int configSize) {
        short[] owner = new short[configSize];
        Arrays.fill(owner, (short) -1);
        for (int s = 0; s < caps.size(); s++) {
            Capability c = caps.get(s);
            int stop = Math.min(c.end(), configSize);
            for (int b = Math.max(0, c.offset()); b < stop; b++) {
                if (owner[b] < 0) {
                    owner[b] = (short) s;
                }
            }
        }
        return owner;
    }

    /**
     * Builds the layout.
     *
     * @param hiddenReason per slot, from {@link #visibility}
     * @param lengths      per slot, the length its handler gives (0 where the walker's is used)
     */
    static Layout build(CapabilityMap map, int configSize, DeviceOptions options, String[] hiddenReason,
            int[] lengths) {
        List<Capability> caps = map.all();
        boolean[] visible = new boolean[caps.size()];
        for (int s = 0; s < visible.length; s++) {
            visible[s] = hiddenReason[s] == null;
        }
        short[] owner = ownership(caps, configSize);
        int[] end = new int[caps.size()];
        for (int s = 0; s < caps.size(); s++) {
            Capability c = caps.get(s);
            end[s] = Math.min(c.end(), configSize);
            // A visible capability whose handler knows a longer length takes the free bytes after it.
            if (visible[s] && lengths[s] > c.length()) {
                int stop = Math.min(c.offset() + lengths[s], configSize);
                for (int b = end[s]; b < stop && owner[b] < 0; b++) {
                    owner[b] = (short) s;
                    end[s] = b + 1;
                }
            }
        }
        byte[] forced = new byte[configSize];
        byte[] chain = new byte[configSize];
        relinkStandard(map, caps, visible, forced, chain);
        if (configSize > CFG_SPACE_SIZE) {
            relinkExtended(map, caps, visible, forced, chain);
        }
        return new Layout(map, configSize, options, visible, hiddenReason.clone(), end, owner, forced, chain);
    }

    /**
     * The guest's standard chain: the Capabilities Pointer, Status Capabilities List and every visible
     * capability's next byte are virtual and read-only, rewritten from the walker's list so that the
     * chain is finite even when the device's own loops; the last visible capability's next is 0.
     */
    private static void relinkStandard(CapabilityMap map, List<Capability> caps, boolean[] visible, byte[] forced,
            byte[] chain) {
        List<Capability> shown = shown(map.standard(), caps, visible);
        force(forced, chain, CAPABILITY_LIST, 1, 0xff, shown.isEmpty() ? 0 : shown.get(0).offset());
        force(forced, chain, STATUS, 2, Status.CAP_LIST, shown.isEmpty() ? 0 : Status.CAP_LIST);
        for (int k = 0; k < shown.size(); k++) {
            int next = k + 1 < shown.size() ? shown.get(k + 1).offset() : 0;
            force(forced, chain, shown.get(k).offset() + 1, 1, 0xff, next);
        }
    }

    /**
     * The guest's extended chain: every visible capability's header dword is virtual and read-only
     * with its next field rewritten. A hidden capability at 0x100 cannot be unlinked: a placeholder
     * header (id 0, version 0, next) stays there. With no visible extended capability, dword 0x100
     * reads 0.
     */
    private static void relinkExtended(CapabilityMap map, List<Capability> caps, boolean[] visible, byte[] forced,
            byte[] chain) {
        List<Capability> shown = shown(map.extended(), caps, visible);
        int first = shown.isEmpty() ? 0 : shown.get(0).offset();
        if (first != CFG_SPACE_SIZE) {
            force(forced, chain, CFG_SPACE_SIZE, 4, -1, first << ExtCapHeader.NEXT_SHIFT);
        }
        for (int k = 0; k < shown.size(); k++) {
            Capability c = shown.get(k);
            int next = k + 1 < shown.size() ? shown.get(k + 1).offset() : 0;
            int header = (c.version() & ExtCapHeader.VERSION_MASK) << ExtCapHeader.VERSION_SHIFT
                    | (c.id() & ExtCapHeader.ID_MASK) | next << ExtCapHeader.NEXT_SHIFT;
            force(forced, chain, c.offset(), 4, -1, header);
        }
    }

    private static List<Capability> shown(List<Capability> chainOrder, List<Capability> caps, boolean[] visible) {
        List<Capability> shown = new ArrayList<>();
        for (Capability c : chainOrder) {
            int s = slotOf(caps, c);
            if (s >= 0 && visible[s]) {
                shown.add(c);
            }
        }
        return shown;
    }

    private static int slotOf(List<Capability> caps, Capability c) {
        for (int s = 0; s < caps.size(); s++) {
            if (caps.get(s) == c) {
                return s;
            }
        }
        return -1;
    }

    private static void force(byte[] forced, byte[] chain, int offset, int size, int mask, int value) {
        for (int k = 0; k < size; k++) {
            int m = (mask >>> (8 * k)) & 0xff;
            forced[offset + k] |= (byte) m;
            chain[offset + k] = (byte) ((chain[offset + k] & ~m) | ((value >>> (8 * k)) & m));
        }
    }

    /** The capability of a slot. */
    Capability capability(int slot) {
        return caps.get(slot);
    }

    /** Applies the forced chain values to a shadow (open and reset). */
    void applyChain(Shadow shadow) {
        for (int b = 0; b < configSize; b++) {
            int f = forced[b] & 0xff;
            if (f != 0) {
                int v = shadow.get(b, 1);
                shadow.set(b, 1, (v & ~f) | (chain[b] & f));
            }
        }
    }

    /** The slot of the first capability with this space and id, or -1. */
    int find(CapabilitySpace space, int id) {
        for (int s = 0; s < caps.size(); s++) {
            if (caps.get(s).space() == space && caps.get(s).id() == id) {
                return s;
            }
        }
        return -1;
    }
}
