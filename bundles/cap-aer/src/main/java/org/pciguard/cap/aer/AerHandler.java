package org.pciguard.cap.aer;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.ExtCapId;

/**
 * Advanced Error Reporting (extended capability 0x0001): the guest's error handling sees the
 * device's error registers, clears the status bits the reference lets it clear, and sets masks,
 * severities and the ECRC enables. Nothing is virtual, so there is no side effect: the table
 * ({@link AerPermissions}) is all there is. Keeps no state.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = ExtCapId.ERR, space = "extended")
public final class AerHandler implements CapabilityHandler {

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return AerPermissions.build(context.capability().length());
    }
}
