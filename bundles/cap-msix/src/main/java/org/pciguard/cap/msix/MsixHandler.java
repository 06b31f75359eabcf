package org.pciguard.cap.msix;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msix;

/**
 * MSI-X (capability 0x11). Enable and Function Mask are the guest's, in the shadow
 * ({@link MsixPermissions}); the table and the Pending Bit Array are emulated in BAR space as
 * regions claimed from the core (DESIGN.md difference 3), so the guest never reaches the device's
 * table, and every guest change reaches the interrupt router as an effect.
 * <p>
 * Initial view, after open and after each reset: Enable and Function Mask clear; every table entry
 * masked with address and data 0, the pending bits 0; the host's values are never shown.
 * <p>
 * Guest accesses to the emulated structures follow the spec's rule for them (PCI 3.0, 6.8.2):
 * aligned DWORD or aligned QWORD only. Any other width is refused by the core as a malformed access
 * and changes nothing; so is any write to the PBA, which is read-only; an access straddling the
 * edge of the table or PBA is refused by the core. The reserved bits of an entry (Message Address
 * 1:0, Vector Control 31:1) read 0 as on hardware.
 * <p>
 * A table or PBA that does not lie inside an implemented memory BAR (a reserved BIR, an
 * unimplemented or I/O BAR, past the BAR's end, the two overlapping) cannot be emulated: it is an
 * anomaly and the core hides the capability.
 * <p>
 * Keeps no state: everything lives in the core's shadow and regions.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = CapId.MSIX)
public final class MsixHandler implements CapabilityHandler {

    private static final PermissionTable TABLE = MsixPermissions.build();

    @Override
    public Optional<String> anomaly(Capability capability, ByteBuffer config, List<BarInfo> bars) {
        int cap = capability.offset();
        return MsixLayout.of(Short.toUnsignedInt(config.getShort(cap + Msix.FLAGS)), config.getInt(cap + Msix.TABLE),
                config.getInt(cap + Msix.PBA)).anomaly(bars);
    }

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return TABLE;
    }

    @Override
    public List<Effect> initialize(HandlerContext context) {
        int flags = context.capability().offset() + Msix.FLAGS;
        context.setShadow(flags, 2, context.snapshot(flags, 2) & ~MsixPermissions.FLAGS_GUEST);
        MsixLayout layout = layout(context);
        return List.of(new Effect.BarRegionClaim(layout.table()), new Effect.BarRegionClaim(layout.pba()),
                new Effect.MsixControl(false, false, layout.entries()));
    }

    /** Every table entry starts masked, address and data 0 (PCI 3.0, 6.8.2.9); the PBA starts 0. */
    @Override
    public void regionClaimed(HandlerContext context, BarRegion region) {
        if (!MsixLayout.TABLE.equals(region.purpose())) {
            return;
        }
        for (long entry = region.offset(); entry < region.offset() + region.length(); entry += Msix.ENTRY_SIZE) {
            context.setRegion(region, entry + Msix.ENTRY_VECTOR_CTRL, Integer.BYTES, Msix.ENTRY_CTRL_MASKBIT);
        }
    }

    /** Aligned DWORD and QWORD accesses only (the core has checked the alignment); the PBA is read-only. */
    @Override
    public boolean regionAccess(HandlerContext context, BarRegion region, long offset, int size, boolean write) {
        return (size == Integer.BYTES || size == Long.BYTES) && !(write && MsixLayout.PBA.equals(region.purpose()));
    }

    @Override
    public List<Effect> regionWritten(HandlerContext context, BarRegion region, long offset, int size, long value) {
        if (!MsixLayout.TABLE.equals(region.purpose())) {
            return NONE;
        }
        int entry = (int) ((offset - region.offset()) / Msix.ENTRY_SIZE);
        long base = region.offset() + (long) entry * Msix.ENTRY_SIZE;
        long lower = clearReserved(context, region, base + Msix.ENTRY_LOWER_ADDR, Msix.ENTRY_LOWER_ADDR_RESERVED);
        long upper = context.region(region, base + Msix.ENTRY_UPPER_ADDR, Integer.BYTES);
        long data = context.region(region, base + Msix.ENTRY_DATA, Integer.BYTES);
        long control = clearReserved(context, region, base + Msix.ENTRY_VECTOR_CTRL, Msix.ENTRY_CTRL_RESERVED);
        return List.of(new Effect.MsixEntryProgrammed(entry, upper << Integer.SIZE | lower, (int) data,
                (control & Msix.ENTRY_CTRL_MASKBIT) != 0));
    }

    /** Clears the reserved bits of a DWORD of the table, which read 0 as on hardware; returns the DWORD. */
    private static long clearReserved(HandlerContext context, BarRegion region, long at, int reserved) {
        long v = context.region(region, at, Integer.BYTES);
        if ((v & Integer.toUnsignedLong(reserved)) != 0) {
            v &= ~Integer.toUnsignedLong(reserved);
            context.setRegion(region, at, Integer.BYTES, v);
        }
        return v;
    }

    @Override
    public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        int flags = context.capability().offset() + Msix.FLAGS;
        if (flags >= offset + size || flags + 2 <= offset) {
            return NONE;
        }
        // Enable and Function Mask placed in the access's value, and whether the write changed them.
        int shift = Byte.SIZE * (flags - offset);
        int guest = shift >= 0 ? MsixPermissions.FLAGS_GUEST << shift : MsixPermissions.FLAGS_GUEST >>> -shift;
        if (((context.shadow(offset, size) ^ before) & guest) == 0) {
            return NONE;
        }
        int now = context.shadow(flags, 2);
        return List.of(new Effect.MsixControl((now & Msix.FLAGS_ENABLE) != 0, (now & Msix.FLAGS_MASKALL) != 0,
                layout(context).entries()));
    }

    /** The router changed the pending bit of a table entry: reflected in the emulated PBA. */
    @Override
    public void pendingChanged(HandlerContext context, InterruptKind kind, int index, boolean pending) {
        if (kind != InterruptKind.MSIX) {
            return;
        }
        MsixLayout layout = layout(context);
        if (index < 0 || index >= layout.entries()) {
            context.report(Level.WARNING, () -> "pending bit of entry " + index + " ignored, the table has "
                    + layout.entries() + " entries");
            return;
        }
        BarRegion pba = layout.pba();
        long at = layout.pbaQword(index);
        long bit = 1L << index % Long.SIZE;
        long bits = context.region(pba, at, Long.BYTES);
        context.setRegion(pba, at, Long.BYTES, pending ? bits | bit : bits & ~bit);
    }

    private static MsixLayout layout(HandlerContext context) {
        int cap = context.capability().offset();
        return MsixLayout.of(context.snapshot(cap + Msix.FLAGS, 2), context.snapshot(cap + Msix.TABLE, 4),
                context.snapshot(cap + Msix.PBA, 4));
    }
}
