package org.pciguard.itests.vendor;

import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;

/** A vendor's Power Management handler for the tests: the whole capability read-only to the guest. */
public final class VendorPmHandler implements CapabilityHandler {

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return PermissionTable.readOnly(context.capability().length());
    }
}
