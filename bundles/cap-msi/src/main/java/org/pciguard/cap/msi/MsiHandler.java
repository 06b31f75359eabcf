package org.pciguard.cap.msi;

import java.lang.System.Logger.Level;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.cap.msi.MsiPermissions.Layout;

/**
 * MSI (capability 0x05), all four layouts. Everything the guest programs lives in the shadow
 * ({@link MsiPermissions}) and reaches the interrupt router as {@link Effect.MsiProgrammed}; the
 * device's MSI registers stay as the host programmed them.
 * <p>
 * Initial view, after open and after each reset: MSI disabled, Multiple Message Enable 0 (one
 * vector), address, data, mask and pending bits 0; the host's values are never shown.
 * <p>
 * Multiple Message Enable above Multiple Message Capable cannot be honoured (the function has fewer
 * vectors): the guest's view is set to Multiple Message Enable = Multiple Message Capable, and the
 * write is reported ({@link HandlerContext#report}). This is the fix-up vfio intends (reference
 * 3.9), with the hardware's Capable as the limit; the spec leaves the outcome undefined, and a
 * driver that reads back sees what it got.
 * <p>
 * Keeps no state: everything lives in the core's shadow.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = CapId.MSI)
public final class MsiHandler implements CapabilityHandler {

    /** Shift of Multiple Message Enable in Message Control. */
    private static final int QSIZE_SHIFT = Integer.numberOfTrailingZeros(Msi.FLAGS_QSIZE);

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return MsiPermissions.build(layout(context));
    }

    @Override
    public List<Effect> initialize(HandlerContext context) {
        int cap = context.capability().offset();
        Layout layout = layout(context);
        int guestBits = MsiPermissions.FLAGS_GUEST | MsiPermissions.FLAGS_NOT_OFFERED;
        context.setShadow(cap + Msi.FLAGS, 2, context.snapshot(cap + Msi.FLAGS, 2) & ~guestBits);
        context.setShadow(cap + Msi.ADDRESS_LO, 4, 0);
        if (layout.is64()) {
            context.setShadow(cap + Msi.ADDRESS_HI, 4, 0);
        }
        context.setShadow(cap + layout.data(), 2, 0);
        if (layout.maskable()) {
            context.setShadow(cap + layout.extData(), 2, 0);
            context.setShadow(cap + layout.mask(), 4, 0);
            context.setShadow(cap + layout.pending(), 4, 0);
        }
        return List.of(programmed(context, layout));
    }

    @Override
    public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        int cap = context.capability().offset();
        Layout layout = layout(context);
        int programming = place(cap + Msi.FLAGS, 2, MsiPermissions.FLAGS_GUEST, offset, size)
                | place(cap + Msi.ADDRESS_LO, 4, MsiPermissions.DWORD, offset, size)
                | (layout.is64() ? place(cap + Msi.ADDRESS_HI, 4, MsiPermissions.DWORD, offset, size) : 0)
                | place(cap + layout.data(), 2, MsiPermissions.WORD, offset, size)
                | (layout.maskable() ? place(cap + layout.mask(), 4, MsiPermissions.DWORD, offset, size) : 0);
        if (programming == 0) {
            return NONE;
        }
        if (place(cap + Msi.FLAGS, 2, Msi.FLAGS_QSIZE, offset, size) != 0) {
            clampVectors(context, layout, offset, size, value);
        }
        if (((context.shadow(offset, size) ^ before) & programming) == 0) {
            return NONE;
        }
        return List.of(programmed(context, layout));
    }

    /** Sets Multiple Message Enable to Multiple Message Capable where the guest asked for more. */
    private void clampVectors(HandlerContext context, Layout layout, int offset, int size, int value) {
        int at = context.capability().offset() + Msi.FLAGS;
        int flags = context.shadow(at, 2);
        int asked = (flags & Msi.FLAGS_QSIZE) >>> QSIZE_SHIFT;
        int capable = layout.capableLog2();
        if (asked <= capable) {
            return;
        }
        context.setShadow(at, 2, flags & ~Msi.FLAGS_QSIZE | capable << QSIZE_SHIFT);
        context.report(Level.INFO, () -> size + "-byte write of 0x" + Integer.toHexString(value)
                + " at 0x" + Integer.toHexString(offset) + " asks for " + (1 << asked)
                + " vectors (Multiple Message Enable " + asked + "), the function has " + (1 << capable)
                + ": Multiple Message Enable set to " + capable);
    }

    /**
     * The router changed the pending bit of an MSI vector: reflected in Pending Bits where the
     * capability has per-vector masking; without it there is no register to show it in.
     */
    @Override
    public void pendingChanged(HandlerContext context, InterruptKind kind, int index, boolean pending) {
        Layout layout = layout(context);
        if (kind != InterruptKind.MSI || !layout.maskable()) {
            return;
        }
        Capability c = context.capability();
        if (index < 0 || index >= 1 << layout.capableLog2()) {
            context.report(Level.WARNING, () -> "pending bit of vector " + index + " ignored, the function has "
                    + (1 << layout.capableLog2()) + " vectors");
            return;
        }
        int at = c.offset() + layout.pending();
        int bits = context.shadow(at, 4);
        context.setShadow(at, 4, pending ? bits | 1 << index : bits & ~(1 << index));
    }

    /** The guest's MSI programming as the shadow holds it. */
    private static Effect.MsiProgrammed programmed(HandlerContext context, Layout layout) {
        int cap = context.capability().offset();
        int flags = context.shadow(cap + Msi.FLAGS, 2);
        long address = Integer.toUnsignedLong(context.shadow(cap + Msi.ADDRESS_LO, 4) & ~Msi.ADDRESS_LO_RESERVED);
        if (layout.is64()) {
            address |= (long) context.shadow(cap + Msi.ADDRESS_HI, 4) << Integer.SIZE;
        }
        int data = context.shadow(cap + layout.data(), 2);
        int vectors = 1 << ((flags & Msi.FLAGS_QSIZE) >>> QSIZE_SHIFT);
        int mask = layout.maskable() ? context.shadow(cap + layout.mask(), 4) : 0;
        return new Effect.MsiProgrammed((flags & Msi.FLAGS_ENABLE) != 0, address, data, vectors, mask);
    }

    private static Layout layout(HandlerContext context) {
        return new Layout(context.snapshot(context.capability().offset() + Msi.FLAGS, 2));
    }

    /**
     * The {@code bits} of the register of {@code width} bytes at config offset {@code register},
     * placed in the value of an access of {@code size} bytes at {@code offset}; 0 where they do not meet.
     */
    static int place(int register, int width, int bits, int offset, int size) {
        if (register >= offset + size || register + width <= offset) {
            return 0;
        }
        int shift = Byte.SIZE * (register - offset);
        int placed = shift >= 0 ? bits << shift : bits >>> -shift;
        return size == Integer.BYTES ? placed : placed & ((1 << Byte.SIZE * size) - 1);
    }
}
