package org.pciguard.core;

import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;

/**
 * Who serves one capability slot of one device, and with which table. Immutable; replaced as a whole
 * on takeover, fallback and quarantine.
 * <p>
 * The read-only fallback keeps the last table's virtual and constant bits and drops every write
 * right: what the guest wrote stays in the shadow and stays visible, and no bit a handler kept
 * virtual (a guest BAR, an MSI address) starts to read through to the device.
 */
final class Binding {

    /** A slot nobody serves and nothing was ever flattened for: bytes read through, read-only. */
    static final Binding NONE = new Binding(null, null, false, null, false);

    /** The handler ranked first for the capability (possibly quarantined), or null. */
    final HandlerEntry entry;
    /** The table flattened in, or null: every bit reads through. */
    final PermissionTable table;
    /** False for the read-only fallback: the table's writable and RW1C bits are dropped. */
    final boolean writesAllowed;
    /** The handler's view of the device, or null. */
    final HandlerContext context;
    /** True when {@link #entry} threw and is quarantined for this device. */
    final boolean quarantined;
    /** Whether the handler's hooks are called: it serves and is not quarantined. */
    final boolean active;

    private Binding(HandlerEntry entry, PermissionTable table, boolean writesAllowed, HandlerContext context,
            boolean quarantined) {
        this.entry = entry;
        this.table = table;
        this.writesAllowed = writesAllowed;
        this.context = context;
        this.quarantined = quarantined;
        this.active = entry != null && !quarantined;
    }

    /** A handler serving with its table. */
    static Binding serving(HandlerEntry entry, PermissionTable table, HandlerContext context) {
        return new Binding(entry, table, true, context, false);
    }

    /**
     * The read-only fallback after {@code previous}: its table without write rights.
     *
     * @param entry       the handler that is quarantined, or null when no handler serves
     * @param quarantined whether {@code entry} is quarantined
     */
    static Binding readOnly(PermissionTable previous, HandlerEntry entry, HandlerContext context, boolean quarantined) {
        return new Binding(entry, previous, false, context, quarantined);
    }
}
