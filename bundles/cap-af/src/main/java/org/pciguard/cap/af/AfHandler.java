package org.pciguard.cap.af;

import java.lang.System.Logger.Level;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.CapId;

/**
 * The PCI Advanced Features capability (0x13). The table is {@link AfPermissions}. A guest write
 * that sets Initiate FLR clears it again (it always reads 0) and, where the function advertises
 * both FLR and Transactions Pending (reference 3.10, as Linux's {@code pci_af_flr}), asks the host
 * for an {@link ResetKind#AF_FLR AF FLR}: the core resets the function through the backend, writes
 * the host's state back and returns the guest's view to its open-time state. A function that does
 * not advertise them gets no reset, which is reported ({@link HandlerContext#report}); a reset the
 * backend cannot do is logged by the core. Either way the guest's write completes and nothing is
 * thrown to the guest.
 * <p>
 * Keeps no state: everything lives in the core's shadow.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = CapId.AF)
public final class AfHandler implements CapabilityHandler {

    /** What a function must advertise for an AF FLR: FLR, and TP to wait for pending transactions. */
    static final int FLR_NEEDS = Af.CAP_FLR | Af.CAP_TP;

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return AfPermissions.build();
    }

    @Override
    public List<Effect> initialize(HandlerContext context) {
        int ctrl = context.capability().offset() + Af.CTRL;
        context.setShadow(ctrl, 1, context.shadow(ctrl, 1) & ~Af.CTRL_FLR);
        return NONE;
    }

    @Override
    public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        int cap = context.capability().offset();
        int ctrl = cap + Af.CTRL;
        int control = context.shadow(ctrl, 1);
        if (ctrl < offset || ctrl >= offset + size || (control & Af.CTRL_FLR) == 0) {
            return NONE;
        }
        context.setShadow(ctrl, 1, control & ~Af.CTRL_FLR);
        int offered = context.snapshot(cap + Af.CAP, 1);
        if ((offered & FLR_NEEDS) == FLR_NEEDS) {
            return List.of(new Effect.ResetRequest(ResetKind.AF_FLR));
        }
        context.report(Level.INFO, () -> size + "-byte write of 0x" + Integer.toHexString(value) + " at 0x"
                + Integer.toHexString(offset) + ": Initiate FLR ignored, the function advertises AF capabilities 0x"
                + Integer.toHexString(offered) + " without FLR and Transactions Pending");
        return NONE;
    }
}
