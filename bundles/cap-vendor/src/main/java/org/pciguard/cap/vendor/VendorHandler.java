package org.pciguard.cap.vendor;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;

/**
 * The vendor-specific capability (0x09), which a function may carry several times (virtio has
 * five). Its length is the byte at +2, which the walker reads. The table is
 * {@link VendorPermissions}: read-only to the guest, raw writes of the vendor-defined bytes only for
 * a device configured {@code permissive}. No hook: nothing of it is emulated. The permissive option
 * is read when the device is opened or reset, or when this handler takes over.
 */
@Component(service = CapabilityHandler.class)
@PciCapability(id = CapId.VNDR)
public final class VendorHandler implements CapabilityHandler {

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return VendorPermissions.build(context.capability().length(), context.options().permissive());
    }
}
