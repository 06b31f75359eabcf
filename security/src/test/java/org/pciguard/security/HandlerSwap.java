package org.pciguard.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pciguard.core.CoreRuntime;

/**
 * A second registration of some handlers at a higher {@code service.ranking}, swapped in and out of
 * a runtime: each {@link #toggle} makes them take over, or leave so that the first registrations
 * serve again.
 */
final class HandlerSwap {

    /** Above the stock registrations' ranking 0. */
    private static final int RANKING = 5;

    private final CoreRuntime runtime;
    private final List<Handlers.Registered> handlers;
    private final List<Map<String, Object>> properties = new ArrayList<>();
    private boolean in;

    HandlerSwap(CoreRuntime runtime, List<Handlers.Registered> handlers) {
        this.runtime = runtime;
        this.handlers = List.copyOf(handlers);
        for (Handlers.Registered r : handlers) {
            Map<String, Object> p = new HashMap<>(r.properties());
            p.put(CoreRuntime.SERVICE_RANKING, RANKING);
            properties.add(p);
        }
    }

    /** Adds the higher-ranked registrations, or removes them when they are in. */
    void toggle() {
        for (int h = 0; h < handlers.size(); h++) {
            if (in) {
                runtime.removeHandler(handlers.get(h).handler(), properties.get(h));
            } else {
                runtime.addHandler(handlers.get(h).handler(), properties.get(h));
            }
        }
        in = !in;
    }
}
