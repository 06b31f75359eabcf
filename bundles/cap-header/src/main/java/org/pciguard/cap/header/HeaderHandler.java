package org.pciguard.cap.header;

import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.DEVICE_ID;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_PIN;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.cap.header.HeaderPermissions.BarRegister;

/**
 * The standard type-0 header (bytes 0x00..0x3f): ids, Command and Status, BARs and the Expansion
 * ROM BAR, interrupt line and pin. The table is {@link HeaderPermissions}; this class sets the
 * guest's initial view and reports INTx Disable changes to the interrupt router.
 * <p>
 * Initial view, after open and after each reset (the open-time state, never host state):
 * <ul>
 * <li>BARs and the ROM BAR read 0 with their flag bits (difference 4), never a host address;</li>
 * <li>Memory and I/O decode are off and INTx Disable is clear, as on a function fresh from reset:
 * vfio starts from the device's decode bits, which the host has turned on, but a guest enables
 * decode after assigning its BARs, and with decode off no guest BAR access reaches the device
 * before it has (difference 7);</li>
 * <li>Interrupt Line is the device's value at open (reference 3.5);</li>
 * <li>Interrupt Pin is the device's value, or 0 for an SR-IOV virtual function (reference 3.5,
 * SR-IOV 1.1, 3.4.1.18);</li>
 * <li>Vendor and Device ID are the device's values at open.</li>
 * </ul>
 * SR-IOV virtual functions (reference 3.11) are recognised by a Vendor ID of 0xffff. What a VF
 * should show as ids (the PF's Vendor ID and the VF Device ID of the PF's SR-IOV capability) is not
 * in the VF's own configuration space: the handler serves the ids the backend reports in
 * {@link HandlerContext#identity()} (sysfs reads them from the kernel), and where the backend knows
 * none, the ids the hardware reads. Its pin is forced to 0. Host IRQ wiring and
 * vfio's {@code nointx} quirk list are not visible to a handler, so the pin is not hidden for them.
 * <p>
 * Keeps no state: everything lives in the core's shadow.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = HeaderHandler.HEADER_ID, space = "header")
public final class HeaderHandler implements CapabilityHandler {

    /** Capability id under which the header is served. */
    public static final int HEADER_ID = 0;

    /** What an SR-IOV virtual function's Vendor ID reads on the hardware. */
    private static final int VF_VENDOR_ID = HeaderPermissions.WORD;

    /** No interrupt pin. */
    private static final int NO_PIN = 0;

    /** Bit position of INTx Disable counted from the first bit of config space. */
    private static final int INTX_DISABLE_BIT = Byte.SIZE * COMMAND + Integer.numberOfTrailingZeros(Command.INTX_DISABLE);

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return HeaderPermissions.build(context.bars());
    }

    @Override
    public List<Effect> initialize(HandlerContext context) {
        boolean virtualFunction = context.snapshot(VENDOR_ID, 2) == VF_VENDOR_ID;
        // A VF's ID registers read 0xffff (SR-IOV 1.1, 3.4.1.1): serve the ids the backend knows
        // (sysfs reports the PF's vendor and the VF Device ID), as vfio does from the PF.
        DeviceDTO identity = context.identity();
        boolean knownIds = virtualFunction && identity != null && identity.vendorId != VF_VENDOR_ID && identity.vendorId != 0;
        context.setShadow(VENDOR_ID, 2, knownIds ? identity.vendorId : context.snapshot(VENDOR_ID, 2));
        context.setShadow(DEVICE_ID, 2, knownIds ? identity.deviceId : context.snapshot(DEVICE_ID, 2));
        context.setShadow(COMMAND, 2, context.shadow(COMMAND, 2) & ~HeaderPermissions.COMMAND_VIRTUAL);
        for (BarRegister bar : HeaderPermissions.bars(context.bars())) {
            context.setShadow(bar.offset(), 4, bar.initial());
        }
        context.setShadow(ROM_ADDRESS, 4, HeaderPermissions.rom(context.bars()).initial());
        context.setShadow(INTERRUPT_LINE, 1, context.snapshot(INTERRUPT_LINE, 1));
        context.setShadow(INTERRUPT_PIN, 1, virtualFunction ? NO_PIN : context.snapshot(INTERRUPT_PIN, 1));
        return List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX, intxEnabled(context)));
    }

    @Override
    public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        int bit = INTX_DISABLE_BIT - Byte.SIZE * offset;
        if (bit < 0 || bit >= Byte.SIZE * size) {
            return NONE;
        }
        boolean wasDisabled = (before >>> bit & 1) != 0;
        boolean disabled = (context.shadow(COMMAND, 2) & Command.INTX_DISABLE) != 0;
        if (wasDisabled == disabled) {
            return NONE;
        }
        return List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX, intxEnabled(context)));
    }

    /** INTx is enabled for the guest when it has a pin and INTx Disable is clear. */
    private static boolean intxEnabled(HandlerContext context) {
        return context.shadow(INTERRUPT_PIN, 1) != NO_PIN
                && (context.shadow(COMMAND, 2) & Command.INTX_DISABLE) == 0;
    }
}
