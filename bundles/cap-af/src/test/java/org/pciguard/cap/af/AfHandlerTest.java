package org.pciguard.cap.af;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.CACHE_LINE_SIZE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The AF table, and the handler in the real core on the shipped dumps that carry AF. */
class AfHandlerTest {

    /** The shipped functions with an AF capability (all advertise TP and FLR). */
    private static final List<String> WITH_AF = List.of("8086-0102-snb-igpu.lspci", "8086-1503-82579v-gbe.lspci",
            "8086-15a3-i218v-gbe.lspci", "8086-1c02-cougarpoint-ahci.lspci", "8086-3a22-ich10-ahci.lspci",
            "8086-3a3a-ich10-ehci.lspci");
    private static final String I82579 = "8086-1503-82579v-gbe.lspci";

    private final RecordingLogger log = new RecordingLogger();
    private final CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker(), log);
    private final List<VirtualDevice> opened = new ArrayList<>();

    AfHandlerTest() {
        runtime.addHandler(new HeaderHandler(), HandlerProperties.of(CapabilitySpace.HEADER, HeaderHandler.HEADER_ID));
        runtime.addHandler(new AfHandler(), HandlerProperties.of(CapabilitySpace.STANDARD, CapId.AF));
    }

    @AfterEach
    void close() {
        opened.forEach(VirtualDevice::close);
        runtime.close();
    }

    static Stream<String> withAf() {
        return WITH_AF.stream();
    }

    private static int af(DeviceImage image) {
        return new DefaultCapabilityWalker().walk(image.config()).find(CapabilitySpace.STANDARD, CapId.AF)
                .orElseThrow().offset();
    }

    private VirtualDevice open(SimulatedDevice device) {
        VirtualDevice guest = runtime.open(device);
        opened.add(guest);
        return guest;
    }

    @Test
    void initiateFlrIsVirtualWritableTheRestReadOnly() {
        PermissionTable t = AfPermissions.build();
        assertEquals(Af.SIZEOF, t.length());
        for (int i = 0; i < Af.SIZEOF; i++) {
            assertEquals(i == Af.CTRL ? Af.CTRL_FLR : 0, t.writableByte(i), "writable +" + i);
            assertEquals(i == Af.CTRL ? Af.CTRL_FLR : i == 1 ? 0xff : 0, t.virtualByte(i), "virtual +" + i);
            boolean fixed = i == 0 || i == Af.LENGTH || i == Af.CAP;
            assertEquals(fixed ? 0xff : 0, t.constantByte(i), "constant +" + i);
            assertEquals(0, t.writeOneToClearByte(i));
        }
        assertEquals(Af.SIZEOF, t.lines().size(), "one line per register");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withAf")
    void initiateFlrResetsTheFunctionAndTheGuestsView(String source) {
        DeviceImage image = image(source);
        int ctrl = af(image) + Af.CTRL;
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int powerOnCacheLine = device.readConfig(CACHE_LINE_SIZE, 1);
        int hostBar0 = device.readConfig(BASE_ADDRESS_0, 4);
        guest.write(CACHE_LINE_SIZE, 1, powerOnCacheLine ^ 0x08);
        guest.write(INTERRUPT_LINE, 1, 0x5a);
        guest.write(BASE_ADDRESS_0, 4, -1);

        guest.write(ctrl, 1, Af.CTRL_FLR);

        assertEquals(0, guest.read(ctrl, 1) & Af.CTRL_FLR, "Initiate FLR reads 0");
        assertEquals(powerOnCacheLine, device.readConfig(CACHE_LINE_SIZE, 1), "the function was reset");
        assertEquals(device.readConfig(INTERRUPT_LINE, 1), guest.read(INTERRUPT_LINE, 1), "the guest's view too");
        assertEquals(hostBar0, device.readConfig(BASE_ADDRESS_0, 4), "the host's BAR is back on the device");
        assertEquals(0, guest.read(BASE_ADDRESS_0, 4) & ~0xf, "the guest's BAR at 0 again");
    }

    @Test
    void everyWidthReachingAfControlStartsTheReset() {
        DeviceImage image = image(I82579);
        int cap = af(image);
        for (int[] write : new int[][] {{cap + Af.CTRL, 2, Af.CTRL_FLR}, {cap + Af.CTRL, 4, Af.CTRL_FLR}}) {
            SimulatedDevice device = fresh(image);
            VirtualDevice guest = open(device);
            int cacheLine = device.readConfig(CACHE_LINE_SIZE, 1);
            guest.write(CACHE_LINE_SIZE, 1, cacheLine ^ 0x08);
            guest.write(write[0], write[1], write[2]);
            assertEquals(cacheLine, device.readConfig(CACHE_LINE_SIZE, 1), write[1] + "-byte write");
            guest.close();
        }
    }

    @Test
    void writesWithoutInitiateFlrChangeNothing() {
        DeviceImage image = image(I82579);
        int cap = af(image);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int cacheLine = device.readConfig(CACHE_LINE_SIZE, 1) ^ 0x08;
        guest.write(CACHE_LINE_SIZE, 1, cacheLine);
        guest.write(cap + Af.CTRL, 1, ~Af.CTRL_FLR & 0xff);
        guest.write(cap + Af.STATUS, 1, 0xff);
        guest.write(cap, 4, -1);
        assertEquals(cacheLine, device.readConfig(CACHE_LINE_SIZE, 1), "no reset");
        assertEquals(device.readConfig(cap + Af.LENGTH, 2), guest.read(cap + Af.LENGTH, 2), "length and capabilities");
        assertEquals(device.readConfig(cap + Af.CTRL, 2), guest.read(cap + Af.CTRL, 2), "control and status");
    }

    @Test
    void aFunctionWithoutTransactionsPendingGetsNoReset() {
        DeviceImage base = image(I82579);
        int cap = af(base);
        byte[] config = base.config();
        config[cap + Af.CAP] &= (byte) ~Af.CAP_TP;
        SimulatedDevice device = fresh(new DeviceImage(base.source() + " without TP", null, base.description(), config,
                base.bars(), List.of()));
        VirtualDevice guest = open(device);
        int cacheLine = device.readConfig(CACHE_LINE_SIZE, 1) ^ 0x08;
        guest.write(CACHE_LINE_SIZE, 1, cacheLine);
        guest.write(cap + Af.CTRL, 1, Af.CTRL_FLR);
        assertEquals(cacheLine, device.readConfig(CACHE_LINE_SIZE, 1), "no reset");
        assertEquals(0, guest.read(cap + Af.CTRL, 1), "Initiate FLR still reads 0");
        assertTrue(device.resets().contains(ResetKind.AF_FLR), "the backend could have, the capability says no");
        // Reported through the core, which names the device and the capability.
        assertEquals(List.of("INFO " + device.address() + ": AF@0x" + Integer.toHexString(cap)
                + " (capability id 0x13): 1-byte write of 0x1 at 0x" + Integer.toHexString(cap + Af.CTRL) + ": Initiate FLR ignored, the"
                + " function advertises AF capabilities 0x" + Integer.toHexString(config[cap + Af.CAP])
                + " without FLR and Transactions Pending"), log.messages);
    }
}
