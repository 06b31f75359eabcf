package org.pciguard.core;

import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;

/**
 * Who serves one capability slot of one device, and with which table. Immutable; replaced as a whole
 * on takeover, fallback and quarantine.
 */
final class Binding {

    /** A hidden capability, or the bytes of the header before anything is bound. */
    static final Binding NONE = new Binding(null, null, null, false);

    /** The handler ranked first for the capability, or null. */
    final HandlerEntry entry;
    /** The table flattened in, or null for the read-only fallback. */
    final PermissionTable table;
    /** The handler's view of the device, or null. */
    final HandlerContext context;
    /** True when {@link #entry} threw and is quarantined for this device. */
    final boolean quarantined;
    /** Whether the handler's hooks are called: it serves and is not quarantined. */
    final boolean active;

    Binding(HandlerEntry entry, PermissionTable table, HandlerContext context, boolean quarantined) {
        this.entry = entry;
        this.table = quarantined ? null : table;
        this.context = context;
        this.quarantined = quarantined;
        this.active = entry != null && !quarantined;
    }

    /** Served by the read-only fallback because {@code entry} (possibly null) does not serve. */
    static Binding fallback(HandlerEntry entry, HandlerContext context, boolean quarantined) {
        return new Binding(entry, null, context, quarantined);
    }
}
