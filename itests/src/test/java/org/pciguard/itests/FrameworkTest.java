package org.pciguard.itests;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.pciguard.api.access.PciBackend;

/**
 * What the tests that share one framework per class have in common: the framework of
 * {@link PciguardOptions#framework()} with every bundle started, the probe's bundle context, and a
 * {@link ServiceWaiter} open for each test.
 */
public abstract class FrameworkTest {

    /** The simulated backend's service filter. */
    protected static final String SIM = "(" + PciBackend.NAME_PROPERTY + "=sim)";

    /** The probe bundle's context. */
    @Inject
    protected BundleContext context;

    /** Waits for services; open for the duration of a test. */
    protected ServiceWaiter services;

    @Configuration
    public Option[] configuration() {
        return PciguardOptions.framework();
    }

    @Before
    public void openTrackers() {
        services = new ServiceWaiter(context);
    }

    @After
    public void closeTrackers() {
        services.close();
    }
}
