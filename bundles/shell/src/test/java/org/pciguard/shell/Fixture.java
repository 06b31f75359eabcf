package org.pciguard.shell;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pciguard.api.access.PciBackend;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * The pieces the shell's commands meet in a framework, built by hand: the walker, a core runtime
 * with the header handler, and the shipped simulated backend.
 */
final class Fixture implements AutoCloseable {

    static final String HEADER_BUNDLE = "org.pciguard.cap.header";

    final DefaultCapabilityWalker walker = new DefaultCapabilityWalker();
    final CoreRuntime runtime = new CoreRuntime(walker);
    final SimulatedBackend sim = SimulatedBackend.shipped();
    final DeviceShell shell = new DeviceShell(walker, runtime, () -> List.<PciBackend>of(sim), () -> null,
            controller -> () -> { }, DeviceShell.SIM);
    private long serviceIds = 1;

    Fixture() {
        addHandler(new HeaderHandler(), CapabilitySpace.HEADER, HeaderHandler.HEADER_ID, 0, HEADER_BUNDLE);
    }

    /** Registers a handler as the core component would, with a fresh service id; returns that id. */
    long addHandler(CapabilityHandler handler, CapabilitySpace space, int id, int ranking, String bundle) {
        Map<String, Object> props = new HashMap<>();
        long serviceId = serviceIds++;
        props.put(CapabilityHandler.CAPABILITY_ID, id);
        props.put(CapabilityHandler.CAPABILITY_SPACE, space.property());
        props.put(CoreRuntime.SERVICE_ID, serviceId);
        props.put(CoreRuntime.SERVICE_RANKING, ranking);
        props.put(CoreRuntime.BUNDLE, bundle);
        props.put(CoreRuntime.BUNDLE_VERSION, "1.0.0");
        runtime.addHandler(handler, props);
        return serviceId;
    }

    /** A handler that owns its capability read-only: enough to show who serves what. */
    static CapabilityHandler readOnlyHandler() {
        return new CapabilityHandler() {
            @Override
            public PermissionTable permissions(HandlerContext context) {
                return PermissionTable.readOnly(context.capability().length());
            }
        };
    }

    /** What a command printed. */
    interface Command {
        void run(PrintStream out) throws Exception;
    }

    static String output(Command command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            command.run(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        shell.close();
        runtime.close();
    }
}
