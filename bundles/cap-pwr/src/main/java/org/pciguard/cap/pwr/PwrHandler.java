package org.pciguard.cap.pwr;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.ExtCapId;

/**
 * Power Budgeting (extended capability 0x0004): the guest selects a power budget entry through
 * Data Select and reads it from Data; see {@link PwrPermissions} for the deliberate difference from
 * vfio-pci. Nothing is virtual, so there is no side effect: the table is all there is. Keeps no
 * state.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = ExtCapId.PWR, space = "extended")
public final class PwrHandler implements CapabilityHandler {

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return PwrPermissions.build(context.capability().length());
    }
}
