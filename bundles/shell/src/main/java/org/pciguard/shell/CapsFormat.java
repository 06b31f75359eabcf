package org.pciguard.shell;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Predicate;

import org.pciguard.api.capability.Anomaly;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;

/**
 * The output of {@code ./pciguard caps} (DESIGN.md, "The command line"): one line per capability in
 * chain order, standard then extended, each ending in {@code hidden} where the guest will not see
 * it, then one line per anomaly.
 */
final class CapsFormat {

    private CapsFormat() {
    }

    static void print(CapabilityMap map, Predicate<Capability> hidden, PrintStream out) {
        for (Capability c : map.standard()) {
            out.printf("cap 0x%02x id=0x%02x len=%d %s%s%n", c.offset(), c.id(), c.length(), c.name(),
                    hidden.test(c) ? " hidden" : "");
        }
        for (Capability c : map.extended()) {
            out.printf("ecap 0x%03x id=0x%04x ver=%d len=%d %s%s%n", c.offset(), c.id(), c.version(), c.length(),
                    c.name(), hidden.test(c) ? " hidden" : "");
        }
        for (Anomaly a : map.anomalies()) {
            out.printf("anomaly %s 0x%02x %s%n", kind(a), a.offset(), a.detail());
        }
    }

    /** {@code POINTER_INTO_HEADER} is printed {@code pointer-into-header}. */
    static String kind(Anomaly a) {
        return a.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
