package org.pciguard.core;

import java.util.Comparator;

import org.pciguard.api.handler.CapabilityHandler;

/**
 * One tracked handler service.
 *
 * @param handler       the service object
 * @param key           the capability it serves
 * @param serviceId     its {@code service.id}
 * @param ranking       its {@code service.ranking}
 * @param bundle        the registering bundle's symbolic name, or null
 * @param bundleVersion the registering bundle's version, or null
 */
record HandlerEntry(CapabilityHandler handler, HandlerKey key, long serviceId, int ranking, String bundle,
        String bundleVersion) {

    /** Serving order per key: highest ranking first, then lowest service id (the OSGi rule). */
    static final Comparator<HandlerEntry> SERVING_ORDER = Comparator.comparingInt(HandlerEntry::ranking).reversed()
            .thenComparingLong(HandlerEntry::serviceId);

    /** {@code service 12 (org.pciguard.cap.msi)}, for messages. */
    String label() {
        return "service " + serviceId + (bundle == null ? "" : " (" + bundle + ")");
    }
}
