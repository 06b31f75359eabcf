package org.pciguard.security;

import java.util.List;
import java.util.Map;

import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.cap.aer.AerHandler;
import org.pciguard.cap.af.AfHandler;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.cap.msi.MsiHandler;
import org.pciguard.cap.msix.MsixHandler;
import org.pciguard.cap.pcie.PcieHandler;
import org.pciguard.cap.pm.PmHandler;
import org.pciguard.cap.pwr.PwrHandler;
import org.pciguard.cap.vendor.VendorHandler;
import org.pciguard.cap.vpd.VpdHandler;
import org.pciguard.core.CoreRuntime;

/** Every capability handler bundle of the build, registered as the OSGi framework would. */
final class Handlers {

    /** A handler with the capability it serves. */
    record Registered(CapabilityHandler handler, CapabilitySpace space, int id) {

        Map<String, Object> properties() {
            return Map.of(CapabilityHandler.CAPABILITY_ID, id, CapabilityHandler.CAPABILITY_SPACE, space.property());
        }
    }

    private Handlers() {
    }

    /** One instance of every handler bundle this module depends on, each configured as its component's defaults. */
    static List<Registered> all() {
        return List.of(
                new Registered(new HeaderHandler(), CapabilitySpace.HEADER, HeaderHandler.HEADER_ID),
                new Registered(new PmHandler(), CapabilitySpace.STANDARD, CapId.PM),
                new Registered(new VpdHandler(VpdHandler.MAX_SIZE), CapabilitySpace.STANDARD, CapId.VPD),
                new Registered(new MsiHandler(), CapabilitySpace.STANDARD, CapId.MSI),
                new Registered(new VendorHandler(), CapabilitySpace.STANDARD, CapId.VNDR),
                new Registered(new PcieHandler(), CapabilitySpace.STANDARD, CapId.EXP),
                new Registered(new MsixHandler(), CapabilitySpace.STANDARD, CapId.MSIX),
                new Registered(new AfHandler(), CapabilitySpace.STANDARD, CapId.AF),
                new Registered(new AerHandler(), CapabilitySpace.EXTENDED, ExtCapId.ERR),
                new Registered(new PwrHandler(), CapabilitySpace.EXTENDED, ExtCapId.PWR));
    }

    /** Registers every handler this module depends on, at ranking 0. */
    static void registerAll(CoreRuntime rt) {
        for (Registered r : all()) {
            rt.addHandler(r.handler(), r.properties());
        }
    }
}
