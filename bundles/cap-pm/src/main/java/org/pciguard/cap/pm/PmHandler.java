package org.pciguard.cap.pm;

import java.lang.System.Logger.Level;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Pm;

/**
 * The Power Management capability (0x01). The table is {@link PmPermissions}; this class clears the
 * guest's PME bits and turns a guest's PowerState write into a {@link Effect.PowerStateChange} that
 * the core carries out on the device (reference 3.6); the guest reads the state the device took.
 * D3cold cannot be reached: PowerState has two bits, 3 is D3hot.
 * <p>
 * Requests the PCI core would refuse (Linux {@code pci_set_power_state}) are not carried out: D1 or
 * D2 where PMC does not offer them, and a move to a shallower state other than D0 (D3hot to D1, D2 to
 * D1). Such a write completes, is reported ({@link HandlerContext#report}), and the guest keeps
 * reading the device's state, as on hardware, which ignores an unsupported state (PM 1.2, 3.2.4).
 * <p>
 * While the device is in D3hot the core refuses guest BAR accesses (DESIGN.md difference 7). On D3hot
 * to D0, a function without No_Soft_Reset resets itself (PM 1.2, 5.4.1): the core then writes back the
 * host's BARs and decode and the bits the guest had written to the device, and the shadow (the rest
 * of the guest's view: its BARs, decode, MSI programming) stays as the guest left it, as vfio restores
 * the saved state around that transition.
 * <p>
 * Keeps no state: everything lives in the core's shadow and on the device.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = CapId.PM)
public final class PmHandler implements CapabilityHandler {

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return PmPermissions.build();
    }

    @Override
    public List<Effect> initialize(HandlerContext context) {
        int cap = context.capability().offset();
        context.setShadow(cap + Pm.PMC, 2, context.shadow(cap + Pm.PMC, 2) & ~Pm.CAP_PME_MASK);
        int state = context.device(cap + Pm.CTRL, 2) & Pm.CTRL_STATE_MASK;
        context.setShadow(cap + Pm.CTRL, 2, context.shadow(cap + Pm.CTRL, 2)
                & ~(PmPermissions.PME_VIRTUAL | Pm.CTRL_STATE_MASK) | state);
        return NONE;
    }

    @Override
    public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        int cap = context.capability().offset();
        int shift = (cap + Pm.CTRL - offset) << 3;
        if (shift < 0 || shift >= size << 3) {
            return NONE;
        }
        int from = (before >>> shift) & Pm.CTRL_STATE_MASK;
        int to = (value >>> shift) & Pm.CTRL_STATE_MASK;
        // The shadow keeps the device's state; the core stores the state the device takes after the change.
        int pmcsr = cap + Pm.CTRL;
        context.setShadow(pmcsr, 1, context.shadow(pmcsr, 1) & ~Pm.CTRL_STATE_MASK | from);
        if (to == from) {
            return NONE;
        }
        String refused = refusal(context.snapshot(cap + Pm.PMC, 2), from, to);
        if (refused != null) {
            context.report(Level.INFO, () -> size + "-byte write of 0x" + Integer.toHexString(value) + " at 0x"
                    + Integer.toHexString(offset) + ": D" + from + " to D" + to + " not carried out, " + refused);
            return NONE;
        }
        return List.of(new Effect.PowerStateChange(from, to));
    }

    /** Why the PCI core would refuse the move, or null when it is carried out. */
    static String refusal(int pmc, int from, int to) {
        if (to == Pm.STATE_D1 && (pmc & Pm.CAP_D1) == 0 || to == Pm.STATE_D2 && (pmc & Pm.CAP_D2) == 0) {
            return "the function does not support D" + to;
        }
        if (to != Pm.STATE_D0 && to < from) {
            return "only D0 is reachable from D" + from;
        }
        return null;
    }
}
