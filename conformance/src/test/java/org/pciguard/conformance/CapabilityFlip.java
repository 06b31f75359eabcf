package org.pciguard.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.testing.ConfigBytes.dwords;
import static org.pciguard.testing.ConfigBytes.hex;
import static org.pciguard.testing.ConfigBytes.ones;
import static org.pciguard.testing.Shipped.fresh;

import java.util.List;

import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;

/**
 * Every guest write at every width and offset of one capability, all-ones and zeros, each on a
 * fresh function, checked against a {@link CapabilityReference} on three sides: the device write
 * the core makes (one read-modify-write at the guest's width carrying exactly the reference's
 * device-writable bits, 0 on RW1C bits the guest may not clear, or no write at all), the whole
 * config space of the device against a twin function written directly as the reference says, and
 * the guest's view of the capability.
 */
final class CapabilityFlip {

    private static final int[] WIDTHS = {1, 2, 4};

    private CapabilityFlip() {
    }

    /** One guest write: at {@code rel} in the capability, {@code size} bytes of {@code value}. */
    @FunctionalInterface
    interface Write {
        void check(int rel, int size, int value);
    }

    /** Every write of the capability. */
    static void everyWrite(CoreRuntime runtime, DeviceImage image, Capability cap, CapabilityReference ref) {
        forEachWrite(ref.length, (rel, size, value) -> one(runtime, image, cap, ref, rel, size, value));
    }

    /** Every width and aligned offset within {@code length} bytes, all-ones then zeros. */
    static void forEachWrite(int length, Write write) {
        for (int size : WIDTHS) {
            for (int rel = 0; rel + size <= length; rel += size) {
                for (int value : new int[] {ones(size), 0}) {
                    write.check(rel, size, value);
                }
            }
        }
    }

    private static void one(CoreRuntime runtime, DeviceImage image, Capability cap, CapabilityReference ref, int rel,
            int size, int value) {
        SimulatedDevice device = fresh(image);
        SimulatedDevice twin = fresh(image);
        VirtualDevice guest = runtime.open(device);
        try {
            int offset = cap.offset() + rel;
            String where = image.source() + ": " + cap.label() + ": " + size + "-byte write of " + hex(value)
                    + " at " + hex(offset) + " (+" + hex(rel) + ")";
            byte[] before = capabilityBytes(guest, cap, ref.length);
            int hw = device.readConfig(offset, size);
            ConfigWrites writes = new ConfigWrites();
            device.addAccessListener(writes);
            guest.write(offset, size, value);
            device.removeAccessListener(writes);

            int toDevice = ref.deviceWritable(rel, size);
            int rw1c = ref.rw1c(rel, size);
            ResetKind reset = ref.reset(rel, size, value);
            if (toDevice != 0) {
                ConfigWrites.Write rmw = new ConfigWrites.Write(offset, size, hw & ~(toDevice | rw1c) | value & toDevice);
                assertEquals(List.of(rmw), writes.seen.subList(0, Math.min(1, writes.seen.size())), where + ": the device write");
                twin.writeConfig(offset, size, twin.readConfig(offset, size) & ~(toDevice | rw1c) | value & toDevice);
            }
            if (reset == null) {
                assertEquals(toDevice != 0 ? 1 : 0, writes.seen.size(), where + ": device writes " + writes.seen);
            } else {
                twin.reset(reset);
            }
            byte[] deviceAfter = dwords(device::readConfig, 0, device.configSize());
            assertArrayEquals(dwords(twin::readConfig, 0, twin.configSize()), deviceAfter, where + ": the device");

            byte[] expected = before.clone();
            if (reset == null) {
                for (int b = 0; b < ref.length; b++) {
                    int at = b - rel;
                    int written = at >= 0 && at < size ? value >>> 8 * at & 0xff : -1;
                    expected[b] = (byte) ref.expected(b, before[b] & 0xff, written, deviceAfter[cap.offset() + b] & 0xff);
                }
            }
            assertArrayEquals(expected, capabilityBytes(guest, cap, ref.length),
                    where + (reset == null ? ": the guest view" : ": after " + reset + " the guest view is the open-time one"));
        } finally {
            guest.close();
        }
    }

    /** The capability's bytes as the guest reads them, byte by byte (lengths need not be dword multiples). */
    static byte[] capabilityBytes(VirtualDevice guest, Capability cap, int length) {
        byte[] bytes = new byte[length];
        for (int b = 0; b < length; b++) {
            bytes[b] = (byte) guest.read(cap.offset() + b, 1);
        }
        return bytes;
    }
}
