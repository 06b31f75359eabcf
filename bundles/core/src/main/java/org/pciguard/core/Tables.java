package org.pciguard.core;

import static org.pciguard.api.regs.PciRegs.STATUS;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Status;

/**
 * The flattened per-device masks of DESIGN.md ("The mask model"), one int per dword, built from the
 * tables of every owner, the policy for bytes no visible capability owns, and the forced chain bits.
 * Immutable: a change of handler builds a new object outside the device's lock and publishes it with
 * one volatile store, so no access ever sees half of an old and half of a new table.
 */
final class Tables {

    final Layout layout;
    /** Per slot of {@link #layout}. */
    final Binding[] bindings;
    /** Bits served from and stored to the shadow. */
    final int[] virt;
    /** Bits the guest may change (in the shadow if virtual, on the device if not). */
    final int[] writable;
    /** Virtual writable bits where writing 1 clears. */
    final int[] virtW1c;
    /**
     * Device bits that are RW1C: a read-modify-write writes 0 to them unless the guest targeted them
     * (wrote 1) and may clear them (DESIGN.md difference 1).
     */
    final int[] deviceW1c;
    /** Non-virtual bits fixed by the spec, served from the open-time snapshot. */
    final int[] constant;

    private Tables(Layout layout, Binding[] bindings, byte[] virt, byte[] writable, byte[] virtW1c, byte[] deviceW1c,
            byte[] constant) {
        this.layout = layout;
        this.bindings = bindings;
        this.virt = Dwords.pack(virt);
        this.writable = Dwords.pack(writable);
        this.virtW1c = Dwords.pack(virtW1c);
        this.deviceW1c = Dwords.pack(deviceW1c);
        this.constant = Dwords.pack(constant);
    }

    /**
     * Flattens the masks.
     *
     * @param permissive     bytes of hidden capabilities and bytes outside every capability are raw
     *                       read-write (vfio's behaviour) instead of read-only (DESIGN.md difference 5)
     * @param deviceWritable false for a read-only backend: no guest write reaches the device
     */
    static Tables flatten(Layout layout, Binding[] bindings, boolean permissive, boolean deviceWritable) {
        int n = layout.configSize;
        byte[] virt = new byte[n];
        byte[] writable = new byte[n];
        byte[] w1c = new byte[n];
        byte[] constant = new byte[n];
        for (int b = 0; b < n; b++) {
            int s = layout.owner[b];
            int v = 0;
            int w = 0;
            int c = 0;
            int k = 0;
            if (s < 0 || !layout.visible[s]) {
                w = permissive ? 0xff : 0;
            } else {
                Binding binding = bindings[s];
                PermissionTable table = binding.table;
                int rel = b - layout.capability(s).offset();
                if (table != null && rel < table.length()) {
                    v = table.virtualByte(rel);
                    k = table.constantByte(rel);
                    if (binding.writesAllowed) {
                        w = table.writableByte(rel);
                        c = table.writeOneToClearByte(rel);
                    }
                }
            }
            int f = layout.forced[b] & 0xff;
            v |= f;
            w &= ~f;
            c &= ~f;
            k &= ~(v | w);
            if (!deviceWritable) {
                w &= v;
            }
            virt[b] = (byte) v;
            writable[b] = (byte) w;
            w1c[b] = (byte) c;
            constant[b] = (byte) k;
        }
        byte[] virtW1c = new byte[n];
        byte[] deviceW1c = new byte[n];
        for (int b = 0; b < n; b++) {
            virtW1c[b] = (byte) (w1c[b] & virt[b] & writable[b]);
            // Every other RW1C bit is RW1C on the device, virtual ones too (PME_Status, which the guest
            // reads 0): no read-modify-write writes back a 1 it read there.
            deviceW1c[b] = (byte) (w1c[b] & ~virtW1c[b]);
        }
        // Status error bits are RW1C on every function (PCI 3.0, 6.2.3): the core knows them whatever the
        // header table says, so that no read-modify-write of Command (a 4-byte write at 0x04) clears them.
        Dwords.or(deviceW1c, STATUS, 2, Status.RW1C);
        return new Tables(layout, bindings, virt, writable, virtW1c, deviceW1c, constant);
    }
}
