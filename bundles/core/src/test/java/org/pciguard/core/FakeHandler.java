package org.pciguard.core;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;

/** A capability handler for tests: a table from a function, counted hooks, scripted effects and failures. */
final class FakeHandler implements CapabilityHandler {

    private final Function<HandlerContext, PermissionTable> table;
    final AtomicInteger permissionsCalls = new AtomicInteger();
    final AtomicInteger initializeCalls = new AtomicInteger();
    final List<String> writes = new CopyOnWriteArrayList<>();
    final List<String> regionWrites = new CopyOnWriteArrayList<>();
    /** What initialize does and the effects it returns. */
    volatile Function<HandlerContext, List<Effect>> onInitialize = c -> NONE;
    /** What configWritten does, from the value written, and the effects it returns. */
    volatile BiFunction<HandlerContext, Integer, List<Effect>> onWrite = (c, v) -> NONE;
    /** What regionClaimed does. */
    volatile BiConsumer<HandlerContext, BarRegion> onRegionClaimed = (c, r) -> { };
    /** Which BAR region accesses the handler takes ({@code regionAccess}), by size. */
    volatile Predicate<Integer> takesRegionAccessOfSize = size -> true;
    /** What the anomaly hook finds. */
    volatile Optional<String> anomaly = Optional.empty();
    /**
     * The hook that throws: permissions, initialize, configWritten, regionWritten, regionClaimed,
     * regionAccess or anomaly; null for none.
     */
    volatile String throwIn;

    FakeHandler(Function<HandlerContext, PermissionTable> table) {
        this.table = table;
    }

    /** Service properties of a handler registration. */
    static Map<String, Object> props(String space, int id, int ranking, long serviceId) {
        Map<String, Object> p = new HashMap<>();
        p.put(CAPABILITY_SPACE, space);
        p.put(CAPABILITY_ID, id);
        p.put(CoreRuntime.SERVICE_RANKING, ranking);
        p.put(CoreRuntime.SERVICE_ID, serviceId);
        p.put(CoreRuntime.BUNDLE, "test.bundle." + serviceId);
        return p;
    }

    private void maybeThrow(String hook) {
        if (hook.equals(throwIn)) {
            throw new IllegalStateException("test handler fails in " + hook);
        }
    }

    @Override
    public PermissionTable permissions(HandlerContext context) {
        permissionsCalls.incrementAndGet();
        maybeThrow("permissions");
        return table.apply(context);
    }

    @Override
    public List<Effect> initialize(HandlerContext context) {
        initializeCalls.incrementAndGet();
        maybeThrow("initialize");
        return new ArrayList<>(onInitialize.apply(context));
    }

    @Override
    public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        maybeThrow("configWritten");
        writes.add(String.format("%d@0x%x=0x%x before 0x%x", size, offset, value, before));
        return onWrite.apply(context, value);
    }

    @Override
    public Optional<String> anomaly(Capability capability, ByteBuffer config, List<BarInfo> bars) {
        maybeThrow("anomaly");
        return anomaly;
    }

    @Override
    public void regionClaimed(HandlerContext context, BarRegion region) {
        maybeThrow("regionClaimed");
        onRegionClaimed.accept(context, region);
    }

    @Override
    public boolean regionAccess(HandlerContext context, BarRegion region, long offset, int size, boolean write) {
        maybeThrow("regionAccess");
        return takesRegionAccessOfSize.test(size);
    }

    @Override
    public List<Effect> regionWritten(HandlerContext context, BarRegion region, long offset, int size, long value) {
        maybeThrow("regionWritten");
        regionWrites.add(String.format("%s %d@0x%x=0x%x", region.purpose(), size, offset, value));
        return NONE;
    }
}
