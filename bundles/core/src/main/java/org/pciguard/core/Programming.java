package org.pciguard.core;

import java.util.Arrays;
import java.util.function.Consumer;

import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.regs.PciRegs.Msix;

/**
 * The interrupt programming the handlers of one device reported last, per source: what a router
 * bound (or restarted) under the open device is told, so that no route is lost when the irq bundle
 * is replaced. The router owns the live state (pending bits, counters); this is only the guest's
 * programming. Guarded by the device's lock.
 */
final class Programming {

    private static final Effect.MsixEntryProgrammed[] NO_ENTRIES = {};

    private Effect.InterruptReprogrammed intx;
    private Effect.MsiProgrammed msi;
    private Effect.MsixControl msix;
    private Effect.MsixEntryProgrammed[] entries = NO_ENTRIES;

    /** Remembers one interrupt effect; entries outside an MSI-X table's range are the router's to ignore. */
    void record(Effect e) {
        if (e instanceof Effect.InterruptReprogrammed p && p.kind() == InterruptKind.INTX) {
            intx = p;
        } else if (e instanceof Effect.MsiProgrammed m) {
            msi = m;
        } else if (e instanceof Effect.MsixControl m) {
            msix = m;
        } else if (e instanceof Effect.MsixEntryProgrammed m && m.entry() >= 0 && m.entry() < Msix.MAX_ENTRIES) {
            if (m.entry() >= entries.length) {
                entries = Arrays.copyOf(entries, m.entry() + 1);
            }
            entries[m.entry()] = m;
        }
    }

    /** Forgets everything: the device was reset, and its handlers program it anew. */
    void clear() {
        intx = null;
        msi = null;
        msix = null;
        entries = NO_ENTRIES;
    }

    /**
     * Tells {@code to} the programming in an order that never delivers a stale message: INTx, MSI,
     * every MSI-X entry, then MSI-X control (which may enable).
     */
    void replay(Consumer<Effect> to) {
        if (intx != null) {
            to.accept(intx);
        }
        if (msi != null) {
            to.accept(msi);
        }
        for (Effect.MsixEntryProgrammed e : entries) {
            if (e != null) {
                to.accept(e);
            }
        }
        if (msix != null) {
            to.accept(msix);
        }
    }
}
