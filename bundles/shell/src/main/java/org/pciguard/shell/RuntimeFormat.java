package org.pciguard.shell;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.virt.dto.HandlerDTO;
import org.pciguard.api.virt.dto.RuntimeDTO;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;

/** The text of {@code pci:handlers} and {@code pci:irq}. */
final class RuntimeFormat {

    private RuntimeFormat() {
    }

    /**
     * Every handler service (space, capability id, ranking, service id, bundle, and {@code active} or
     * {@code shadowed by N}), then every open device with what serves each of its capabilities.
     */
    static void handlers(RuntimeDTO runtime, PrintStream out) {
        HandlerDTO[] handlers = runtime.handlers.clone();
        Arrays.sort(handlers, Comparator.<HandlerDTO>comparingInt(h -> spaceOrder(h.space))
                .thenComparingInt(h -> h.capabilityId).thenComparing(h -> -h.ranking).thenComparingLong(h -> h.serviceId));
        for (HandlerDTO h : handlers) {
            out.printf("handler %-8s %s rank %d service %d %s %s %s%n", h.space, id(h.space, h.capabilityId), h.ranking,
                    h.serviceId, h.bundle, h.bundleVersion,
                    h.failureReason == HandlerDTO.ACTIVE ? "active" : "shadowed by service " + h.shadowedBy);
        }
        for (VirtualDeviceDTO d : runtime.devices) {
            out.printf("device %s%s%s%n", d.address, d.permissive ? " permissive" : "",
                    d.failed ? " failed: " + d.failure : "");
            for (VirtualCapabilityDTO c : d.capabilities) {
                out.printf("  %s 0x%03x %s %s%s%n", c.space, c.offset, id(c.space, c.id), c.name, served(c));
            }
            if (d.deniedWrites != 0 || d.refusedAccesses != 0) {
                out.printf("  denied writes %d, refused accesses %d%n", d.deniedWrites, d.refusedAccesses);
            }
        }
    }

    /** What serves a capability of an open device. */
    static String served(VirtualCapabilityDTO c) {
        String s = c.hidden ? " hidden (" + c.hiddenReason + ")"
                : c.quarantined ? " quarantined: " + c.quarantineReason
                : c.handlerBundle == null ? " read-only fallback"
                : " served by " + c.handlerBundle + " (service " + c.handlerServiceId + ")";
        return c.deniedWrites == 0 ? s : s + ", " + c.deniedWrites + " denied writes";
    }

    /** One line per route: device, source, index, message, state and counters. */
    static void routes(List<RouteDTO> routes, PrintStream out) {
        for (RouteDTO r : routes) {
            out.printf("%s %s %d addr=0x%016x data=0x%08x %s%s%s delivered=%d held=%d%n", r.device, r.source, r.index,
                    r.address, r.data, r.enabled ? "enabled" : "disabled", r.masked ? " masked" : "",
                    r.pending ? " pending" : "", r.delivered, r.held);
        }
    }

    private static String id(String space, int id) {
        return CapabilitySpace.EXTENDED.property().equals(space) ? String.format("id=0x%04x", id)
                : String.format("id=0x%02x", id);
    }

    private static int spaceOrder(String space) {
        for (CapabilitySpace s : CapabilitySpace.values()) {
            if (s.property().equals(space)) {
                return s.ordinal();
            }
        }
        return CapabilitySpace.values().length;
    }
}
