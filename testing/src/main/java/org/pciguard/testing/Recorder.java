package org.pciguard.testing;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;

/**
 * A handler in the real core, seen from the side: every hook goes to the handler under test, and
 * the effects it returns are recorded, in order, as the core receives them. Keeps the context the
 * core gave last, so that a test can play the interrupt router's part (pendingChanged) on it.
 */
public final class Recorder implements CapabilityHandler {

    private final CapabilityHandler handler;
    /** The effects recorded, in order. */
    public final List<Effect> effects = new CopyOnWriteArrayList<>();
    /** The context the core gave last. */
    public volatile HandlerContext context;

    /** Records what {@code handler} returns. */
    public Recorder(CapabilityHandler handler) {
        this.handler = handler;
    }

    /** The effects recorded since the last call, and forgets them. */
    public List<Effect> take() {
        List<Effect> taken = List.copyOf(effects);
        effects.clear();
        return taken;
    }

    private List<Effect> record(HandlerContext c, List<Effect> returned) {
        context = c;
        effects.addAll(returned);
        return returned;
    }

    @Override
    public int length(Capability capability, ByteBuffer config) {
        return handler.length(capability, config);
    }

    @Override
    public Optional<String> anomaly(Capability capability, ByteBuffer config, List<BarInfo> bars) {
        return handler.anomaly(capability, config, bars);
    }

    @Override
    public PermissionTable permissions(HandlerContext c) {
        context = c;
        return handler.permissions(c);
    }

    @Override
    public List<Effect> initialize(HandlerContext c) {
        return record(c, handler.initialize(c));
    }

    @Override
    public List<Effect> configWritten(HandlerContext c, int offset, int size, int value, int before) {
        return record(c, handler.configWritten(c, offset, size, value, before));
    }

    @Override
    public void pendingChanged(HandlerContext c, InterruptKind kind, int index, boolean pending) {
        handler.pendingChanged(c, kind, index, pending);
    }

    @Override
    public void regionClaimed(HandlerContext c, BarRegion region) {
        handler.regionClaimed(c, region);
    }

    @Override
    public boolean regionAccess(HandlerContext c, BarRegion region, long offset, int size, boolean write) {
        return handler.regionAccess(c, region, offset, size, write);
    }

    @Override
    public List<Effect> regionWritten(HandlerContext c, BarRegion region, long offset, int size, long value) {
        return record(c, handler.regionWritten(c, region, offset, size, value));
    }
}
