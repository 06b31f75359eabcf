package org.pciguard.benchmarks;

import java.util.Map;

import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * The core as the command line wires it on the plain classpath (host {@code GuestView}): a
 * {@link CoreRuntime} over the stock walker with the header handler registered under the service
 * properties its component declares. Setup code only: never inside a measured method.
 */
final class CoreSetup {

    /** Symbolic name of the header handler's bundle, reported in the runtime DTO. */
    private static final String HEADER_BUNDLE = "org.pciguard.cap.header";

    private CoreSetup() {
    }

    /** A runtime serving the type-0 header with {@link HeaderHandler}; every capability else read-only. */
    static CoreRuntime runtime() {
        CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker());
        runtime.addHandler(new HeaderHandler(), Map.of(
                CapabilityHandler.CAPABILITY_ID, HeaderHandler.HEADER_ID,
                CapabilityHandler.CAPABILITY_SPACE, CapabilitySpace.HEADER.property(),
                CoreRuntime.SERVICE_ID, 1L,
                CoreRuntime.BUNDLE, HEADER_BUNDLE));
        return runtime;
    }

    /**
     * The 2010 byte-wise baseline over {@code device} with the header handler, as {@link #runtime}
     * has it, its shadow the bytes {@code guest} reads now (one byte at a time: reads only).
     */
    static ByteWiseVirtualizer byteWise(PhysicalDevice device, byte[] snapshot, CapabilityMap map, VirtualDevice guest) {
        byte[] shadow = new byte[guest.configSize()];
        for (int off = 0; off < shadow.length; off++) {
            shadow[off] = (byte) guest.read(off, 1);
        }
        return ByteWiseVirtualizer.build(device, snapshot, map, Map.of(HeaderHandler.HEADER_ID, new HeaderHandler()),
                shadow);
    }

    /** The device's whole config space, read by aligned 4-byte accesses (reads only). */
    static byte[] config(PhysicalDevice device) {
        byte[] bytes = new byte[device.configSize()];
        for (int off = 0; off < bytes.length; off += Integer.BYTES) {
            int v = device.readConfig(off, Integer.BYTES);
            for (int k = 0; k < Integer.BYTES; k++) {
                bytes[off + k] = (byte) (v >>> (Byte.SIZE * k));
            }
        }
        return bytes;
    }
}
