package org.pciguard.itests;

import static org.junit.Assert.assertNotNull;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Waits for services with a {@link ServiceTracker} and a timeout, never a sleep. The trackers stay
 * open until {@link #close()}: closing one releases the service, and SCR then deactivates a delayed
 * component, losing its state.
 */
final class ServiceWaiter implements AutoCloseable {

    private final BundleContext context;
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    ServiceWaiter(BundleContext context) {
        this.context = context;
    }

    /** The first service of a type, waiting up to {@link PciguardOptions#TIMEOUT_MS}. */
    <T> ServiceTracker<T, T> await(Class<T> type) throws InterruptedException {
        return await(type, "");
    }

    /**
     * The first service of a type that matches a filter, waiting up to {@link PciguardOptions#TIMEOUT_MS}.
     *
     * @param filter an LDAP filter such as {@code (pciguard.backend=sim)}, or empty
     * @return the open tracker, whose {@code getService()} and {@code getServiceReference()} are set
     */
    <T> ServiceTracker<T, T> await(Class<T> type, String filter) throws InterruptedException {
        String full = "(&(" + Constants.OBJECTCLASS + "=" + type.getName() + ")" + filter + ")";
        ServiceTracker<T, T> tracker;
        try {
            tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter(full), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + full + ": " + e.getMessage(), e);
        }
        trackers.add(tracker);
        tracker.open();
        assertNotNull("no service " + full + " within " + PciguardOptions.TIMEOUT_MS + " ms",
                tracker.waitForService(PciguardOptions.TIMEOUT_MS));
        return tracker;
    }

    @Override
    public void close() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }
}
