package org.pciguard.itests.vendor;

import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs.CapId;

/**
 * Registers {@link VendorPmHandler} for capability 0x01 at {@value #RANKING}, above the stock
 * handler's 0: the vendor bundle {@link VendorBundle} builds.
 */
public final class VendorActivator implements BundleActivator {

    /** The vendor handler's {@code service.ranking}. */
    public static final int RANKING = 100;

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(CapabilityHandler.CAPABILITY_ID, CapId.PM);
        props.put(CapabilityHandler.CAPABILITY_SPACE, "standard");
        props.put(Constants.SERVICE_RANKING, RANKING);
        context.registerService(CapabilityHandler.class, new VendorPmHandler(), props);
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters the service.
    }
}
