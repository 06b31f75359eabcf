package org.pciguard.cap.pcie;

import static org.pciguard.api.regs.PciRegs.Exp.DEVCAP;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCTL;
import static org.pciguard.api.regs.PciRegs.Exp.FLAGS;

import java.lang.System.Logger.Level;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Exp;

/**
 * The PCI Express capability (0x10). The table is {@link PciePermissions}; this class starts the
 * guest's Device Control at the device's open-time MPS and MRRS with Initiate FLR clear, and turns
 * a guest write of Initiate FLR into a function reset the host carries out.
 * <p>
 * <b>Initiate FLR</b> (Device Control bit 15, PCIe 6.0, 6.6.2) is virtual and always reads 0. On a
 * function whose Device Capabilities say FLR capable, a guest write of 1 returns
 * {@link Effect.ResetRequest} of {@link ResetKind#FLR}: the core resets the function through the
 * backend, writes the host-owned state back (BARs, decode enables), and rebuilds the guest view at
 * its open-time state, so the guest reads back what it read after open (MPS and MRRS included) and
 * the interrupt router hears the handlers' initial interrupt programming again. As in vfio, the
 * reset the backend performs may not be an FLR itself (vfio: "reset_function might not use a PCIe
 * FLR"). Where the backend cannot reset the function, the core logs the failure and the guest
 * view stays as it is, with the bit reading 0; nothing is thrown to the guest. On a function without
 * FLR capability the bit is read-only 0 (reserved), as the write has no effect in vfio either.
 * <p>
 * Keeps no state: everything lives in the core's shadow.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = CapId.EXP)
public final class PcieHandler implements CapabilityHandler {

    @Override
    public PermissionTable permissions(HandlerContext context) {
        Capability cap = context.capability();
        return PciePermissions.build(cap.length(), context.snapshot(cap.offset() + FLAGS, 2),
                context.snapshot(cap.offset() + DEVCAP, 4));
    }

    @Override
    public List<Effect> initialize(HandlerContext context) {
        int devctl = context.capability().offset() + DEVCTL;
        // The shadow starts as the device's bytes at open: MPS and MRRS as the host set them. Initiate FLR reads 0.
        context.setShadow(devctl, 2, context.shadow(devctl, 2) & ~Exp.DEVCTL_BCR_FLR);
        return NONE;
    }

    @Override
    public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        int devctl = context.capability().offset() + DEVCTL;
        int control = context.shadow(devctl, 2);
        if ((control & Exp.DEVCTL_BCR_FLR) == 0) {
            return NONE;
        }
        // Only a write of 1 to a writable Initiate FLR gets here: the table makes it writable only where FLR capable.
        context.setShadow(devctl, 2, control & ~Exp.DEVCTL_BCR_FLR);
        context.report(Level.DEBUG, () -> size + "-byte write of 0x" + Integer.toHexString(value) + " at 0x"
                + Integer.toHexString(offset) + ": Initiate FLR, asking the host for a function reset");
        return List.of(new Effect.ResetRequest(ResetKind.FLR));
    }
}
