package org.pciguard.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.testing.ConfigBytes.dwords;
import static org.pciguard.testing.ConfigBytes.get;
import static org.pciguard.testing.ConfigBytes.hex;
import static org.pciguard.testing.ConfigBytes.ones;
import static org.pciguard.testing.ConfigBytes.put;
import static org.pciguard.testing.Shipped.fresh;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Vpd;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.vpd.VpdHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.HandlerProperties;

/**
 * The VPD handler in the real core on every shipped function that shows VPD to its guest: every
 * write at every width and offset, all-ones and zeros, against reference 2.4 and 3.7: Address and
 * Data emulated, and a write reaching the F byte runs the transfer on the device's VPD engine (a
 * twin function is driven through its own registers the same way) and toggles F. pciguard's
 * difference: a transfer past the VPD size (32 KiB by default) never reaches the device; a read
 * completes with 0xff bytes, a write completes storing nothing.
 */
class VpdConformanceTest {

    private static final int TRANSFER = 4;

    static Stream<Arguments> showingVpd() {
        return Functions.showing(CapabilitySpace.STANDARD, CapId.VPD);
    }

    /** Reference 2.4, line by line. */
    static CapabilityReference reference() {
        return new CapabilityReference(Vpd.SIZEOF)
                .vfio(1, 1, 0xff, 0)
                .vfio(Vpd.ADDR, 2, 0xffff, 0xffff)
                .vfio(Vpd.DATA, 4, -1, -1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("showingVpd")
    void everyWriteFollowsTheReference(DeviceImage image, Capability cap) {
        CapabilityReference ref = reference();
        try (CoreRuntime runtime = Functions.runtime()) {
            runtime.addHandler(new VpdHandler(VpdHandler.MAX_SIZE), HandlerProperties.of(CapabilitySpace.STANDARD, CapId.VPD));
            CapabilityFlip.forEachWrite(Vpd.SIZEOF, (rel, size, value) -> one(runtime, image, cap, ref, rel, size, value));
        }
    }

    private static void one(CoreRuntime runtime, DeviceImage image, Capability cap, CapabilityReference ref, int rel,
            int size, int value) {
        SimulatedDevice device = fresh(image);
        SimulatedDevice twin = fresh(image);
        VirtualDevice guest = runtime.open(device);
        try {
            int offset = cap.offset() + rel;
            String where = image.source() + ": " + size + "-byte write of " + hex(value) + " at " + hex(offset);
            byte[] before = CapabilityFlip.capabilityBytes(guest, cap, Vpd.SIZEOF);
            ConfigWrites writes = new ConfigWrites();
            device.addAccessListener(writes);
            guest.write(offset, size, value);
            device.removeAccessListener(writes);

            // The default write: everything emulated.
            byte[] expected = new byte[Vpd.SIZEOF];
            for (int b = 0; b < Vpd.SIZEOF; b++) {
                int at = b - rel;
                int written = at >= 0 && at < size ? value >>> 8 * at & 0xff : -1;
                expected[b] = (byte) ref.expected(b, before[b] & 0xff, written, device.readConfig(cap.offset() + b, 1));
            }
            // Then, when the write reached F, the transfer (reference 3.7), on the twin through its registers.
            List<ConfigWrites.Write> transfer = new ArrayList<>();
            int addrReg = cap.offset() + Vpd.ADDR;
            int dataReg = cap.offset() + Vpd.DATA;
            if (rel <= Vpd.ADDR + 1 && rel + size > Vpd.ADDR + 1) {
                int register = get(expected, Vpd.ADDR, 2);
                int address = register & Vpd.ADDR_MASK;
                boolean write = (register & Vpd.ADDR_F) != 0;
                int data = get(expected, Vpd.DATA, 4);
                boolean inside = address + TRANSFER <= VpdHandler.MAX_SIZE;
                if (inside && write) {
                    transfer.add(new ConfigWrites.Write(dataReg, 4, data));
                }
                if (inside) {
                    transfer.add(new ConfigWrites.Write(addrReg, 2, address | (write ? Vpd.ADDR_F : 0)));
                }
                transfer.forEach(w -> twin.writeConfig(w.offset(), w.size(), w.value()));
                put(expected, Vpd.ADDR, 2, address | (write ? 0 : Vpd.ADDR_F));
                if (!write) {
                    put(expected, Vpd.DATA, 4, inside ? twin.readConfig(dataReg, 4) : 0xffffffff);
                }
            }
            assertEquals(transfer, writes.seen, where + ": the device writes");
            assertArrayEquals(dwords(twin::readConfig, 0, twin.configSize()), dwords(device::readConfig, 0,
                    device.configSize()), where + ": the device");
            assertArrayEquals(expected, CapabilityFlip.capabilityBytes(guest, cap, Vpd.SIZEOF), where + ": the guest view");
        } finally {
            guest.close();
        }
    }
}
