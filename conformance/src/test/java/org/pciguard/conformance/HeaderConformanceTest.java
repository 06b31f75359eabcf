package org.pciguard.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_PIN;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.STD_HEADER_SIZEOF;
import static org.pciguard.testing.ConfigBytes.dwords;
import static org.pciguard.testing.ConfigBytes.hex;
import static org.pciguard.testing.ConfigBytes.ones;
import static org.pciguard.testing.ConfigBytes.put;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.testing.BarAccesses;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * The header handler in the real core, on simulated functions built from the shipped real dumps:
 * every guest write at every width and offset of the header against {@link ReferenceHeader}
 * (reference 2.1 with DESIGN.md's differences), on both sides, the guest's and the device's; then
 * one named test per deliberate difference from vfio-pci.
 */
class HeaderConformanceTest {

    private static final int[] WIDTHS = {1, 2, 4};
    private static final int BAR_COUNT = 6;
    /** A GPU with a 32-bit BAR, two 64-bit BARs (one of 8 GiB), an I/O BAR and a ROM; Memory decode on. */
    private static final String GPU = "10de-24a0-ga104-rtx3070ti.lspci";

    private final CoreRuntime runtime = runtime();
    private final List<VirtualDevice> opened = new ArrayList<>();

    private static CoreRuntime runtime() {
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker());
        rt.addHandler(new HeaderHandler(), HandlerProperties.of(CapabilitySpace.HEADER, HeaderHandler.HEADER_ID));
        return rt;
    }

    @AfterEach
    void close() {
        opened.forEach(VirtualDevice::close);
        runtime.close();
    }

    /** Every shipped type-0 function (bridges cannot be passed through, DESIGN.md difference 8). */
    static Stream<DeviceImage> type0() {
        return Shipped.type0();
    }

    private VirtualDevice open(SimulatedDevice device) {
        VirtualDevice guest = runtime.open(device);
        opened.add(guest);
        return guest;
    }

    /** The 64 header bytes, read by dwords. */
    private static byte[] header(IntBinaryOperator read) {
        return dwords(read, 0, STD_HEADER_SIZEOF);
    }

    /** {@code bits} of the 16-bit register at {@code register}, placed in an access at {@code offset}. */
    private static int within(int register, int bits, int offset, int size) {
        int shift = 8 * (register - offset);
        int placed = shift >= 0 ? bits << shift : bits >>> -shift;
        return shift >= 8 * size ? 0 : placed & ones(size);
    }

    // ---- every bit at every width and offset ----------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("type0")
    void everyWriteOfTheHeaderFollowsTheReferenceOnBothSides(DeviceImage image) {
        ReferenceHeader ref = new ReferenceHeader(image.bars());
        for (int size : WIDTHS) {
            for (int offset = 0; offset < STD_HEADER_SIZEOF; offset += size) {
                for (int value : new int[] {ones(size), 0}) {
                    writeAndCompare(image, ref, offset, size, value);
                }
            }
        }
    }

    /**
     * One guest write on a fresh function, compared with a twin function on which the oracle's
     * device-writable bits are written directly by one read-modify-write that leaves Status RW1C
     * bits alone (DESIGN.md, "The mask model").
     */
    private void writeAndCompare(DeviceImage image, ReferenceHeader ref, int offset, int size, int value) {
        SimulatedDevice device = fresh(image);
        SimulatedDevice twin = fresh(image);
        VirtualDevice guest = runtime.open(device);
        try {
            byte[] guestBefore = header(guest::read);
            guest.write(offset, size, value);

            int toDevice = ref.deviceWritable(offset, size);
            if (toDevice != 0) {
                int keep = ~(toDevice | within(STATUS, Status.RW1C, offset, size));
                twin.writeConfig(offset, size, twin.readConfig(offset, size) & keep | value & toDevice);
            }
            String where = image.source() + ": " + size + "-byte write of " + hex(value) + " at " + hex(offset);
            byte[] deviceAfter = header(device::readConfig);
            assertArrayEquals(header(twin::readConfig), deviceAfter, where + ": device side");

            int toShadow = ref.virtualWritable(offset, size);
            byte[] expected = guestBefore.clone();
            for (int i = 0; i < size; i++) {
                int b = offset + i;
                int shadowBits = toShadow >>> 8 * i & 0xff;
                int deviceBits = toDevice >>> 8 * i & 0xff;
                expected[b] = (byte) (guestBefore[b] & ~(shadowBits | deviceBits) | (value >>> 8 * i) & shadowBits
                        | deviceAfter[b] & deviceBits);
            }
            assertArrayEquals(expected, header(guest::read), where + ": guest view");
        } finally {
            guest.close();
        }
    }

    // ---- the open-time view ---------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("type0")
    void theGuestSeesTheDeviceExceptBarsDecodeAndIntxDisable(DeviceImage image) {
        SimulatedDevice device = fresh(image);
        byte[] guest = header(open(device)::read);
        byte[] hardware = header(device::readConfig);
        int[] virtualBits = new int[STD_HEADER_SIZEOF];
        for (int b = BASE_ADDRESS_0; b < BASE_ADDRESS_0 + 4 * BAR_COUNT; b++) {
            virtualBits[b] = 0xff;
        }
        for (int b = ROM_ADDRESS; b < ROM_ADDRESS + 4; b++) {
            virtualBits[b] = 0xff;
        }
        virtualBits[COMMAND] = Command.IO | Command.MEMORY;
        virtualBits[COMMAND + 1] = Command.INTX_DISABLE >>> 8;
        virtualBits[STATUS] = Status.CAP_LIST; // the core's relinking
        virtualBits[CAPABILITY_LIST] = 0xff; // the core's relinking
        for (int b = 0; b < STD_HEADER_SIZEOF; b++) {
            assertEquals(hardware[b] & 0xff & ~virtualBits[b], guest[b] & 0xff & ~virtualBits[b],
                    image.source() + ": byte " + hex(b));
        }
        assertEquals(0, guest[COMMAND] & (Command.IO | Command.MEMORY), image.source() + ": decode starts off");
        assertEquals(0, guest[COMMAND + 1] & Command.INTX_DISABLE >>> 8, image.source() + ": INTx Disable starts clear");
        assertEquals(hardware[INTERRUPT_PIN], guest[INTERRUPT_PIN], image.source() + ": pin");
    }

    /** Difference 4: BARs and the ROM BAR start at 0 with the flags the device shows, never a host address. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("type0")
    void barsStartAtZeroWithTheirFlagsAndNeverShowHostAddresses(DeviceImage image) {
        SimulatedDevice device = fresh(image);
        byte[] hostBefore = header(device::readConfig);
        VirtualDevice guest = open(device);
        BarInfo[] byIndex = byIndex(image.bars());
        for (int i = 0; i < BAR_COUNT; i++) {
            int reg = BASE_ADDRESS_0 + 4 * i;
            BarInfo bar = byIndex[i];
            int host = device.readConfig(reg, 4);
            int flags = bar == null ? 0 : host & (bar.kind() == BarKind.IO ? ~BaseAddress.IO_MASK : ~BaseAddress.MEM_MASK);
            assertEquals(flags, guest.read(reg, 4), image.source() + ": BAR" + i);
            if (bar != null && bar.kind() == BarKind.MEMORY64 && i + 1 < BAR_COUNT) {
                i++;
                assertEquals(0, guest.read(reg + 4, 4), image.source() + ": upper half BAR" + i);
            }
        }
        assertEquals(0, guest.read(ROM_ADDRESS, 4), image.source() + ": ROM");
        assertArrayEquals(hostBefore, header(device::readConfig), image.source() + ": the device keeps its BARs");
    }

    /**
     * Difference 4: sizing by all-ones, and any address, read back what the hardware reads back (a
     * twin function written directly), while the device's BARs keep the host's addresses.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("type0")
    void barWritesReadBackWhatTheHardwareReadsBack(DeviceImage image) {
        BarInfo[] byIndex = byIndex(image.bars());
        for (int pattern : new int[] {-1, 0x12345678, 0xfedcba98}) {
            SimulatedDevice device = fresh(image);
            SimulatedDevice twin = fresh(image);
            byte[] hostBefore = header(device::readConfig);
            VirtualDevice guest = runtime.open(device);
            try {
                List<Integer> implemented = new ArrayList<>();
                for (int i = 0; i < BAR_COUNT; i++) {
                    BarInfo bar = byIndex[i];
                    if (bar != null) {
                        implemented.add(BASE_ADDRESS_0 + 4 * i);
                        if (bar.kind() == BarKind.MEMORY64 && i + 1 < BAR_COUNT) {
                            implemented.add(BASE_ADDRESS_0 + 4 * ++i);
                        }
                    }
                }
                if (byIndex[BarInfo.ROM_INDEX] != null) {
                    implemented.add(ROM_ADDRESS);
                }
                for (int reg = BASE_ADDRESS_0; reg < BASE_ADDRESS_0 + 4 * BAR_COUNT; reg += 4) {
                    guest.write(reg, 4, pattern);
                    twin.writeConfig(reg, 4, pattern);
                }
                guest.write(ROM_ADDRESS, 4, pattern);
                twin.writeConfig(ROM_ADDRESS, 4, pattern);
                for (int reg = BASE_ADDRESS_0; reg <= ROM_ADDRESS; reg += 4) {
                    String where = image.source() + ": register " + hex(reg) + " after writing " + hex(pattern);
                    if (implemented.contains(reg)) {
                        assertEquals(twin.readConfig(reg, 4), guest.read(reg, 4), where);
                    } else if (reg < BASE_ADDRESS_0 + 4 * BAR_COUNT || reg == ROM_ADDRESS) {
                        assertEquals(0, guest.read(reg, 4), where + " (unimplemented)");
                    }
                }
                assertArrayEquals(hostBefore, header(device::readConfig), image.source() + ": the device keeps its BARs");
            } finally {
                guest.close();
            }
        }
    }

    private static BarInfo[] byIndex(List<BarInfo> bars) {
        BarInfo[] byIndex = new BarInfo[BarInfo.ROM_INDEX + 1];
        bars.forEach(b -> byIndex[b.index()] = b);
        return byIndex;
    }

    @Test
    void a64BitBarOf8GiBSizesLikeHardware() {
        VirtualDevice guest = open(fresh(image(GPU)));
        int bar1 = BASE_ADDRESS_0 + 4;
        guest.write(bar1, 4, -1);
        guest.write(bar1 + 4, 4, -1);
        assertEquals(BaseAddress.MEM_TYPE_64 | BaseAddress.MEM_PREFETCH, guest.read(bar1, 4));
        assertEquals((int) (~((8L << 30) - 1) >>> 32), guest.read(bar1 + 4, 4), "8 GiB: address bits 63:33");
    }

    // ---- named differences from vfio-pci -------------------------------------------------------

    /** A function whose Status error bits are set, as after a parity error and an abort. */
    private static SimulatedDevice withStatusErrors(DeviceImage image) {
        byte[] config = image.config();
        put(config, STATUS, 2, (config[STATUS] & 0xff | (config[STATUS + 1] & 0xff) << 8) | Status.RW1C);
        return fresh(new DeviceImage(image.source() + " with Status errors", null, image.description(), config,
                image.bars(), List.of()));
    }

    /**
     * Difference 1: a 4-byte write at 0x04 changes Command on the device by read-modify-write, and
     * leaves the Status error bits set (vfio writes back what it read, which clears them).
     */
    @Test
    void statusErrorBitsSurviveADwordWriteAtCommand() {
        SimulatedDevice device = withStatusErrors(image(GPU));
        VirtualDevice guest = open(device);
        int command = device.readConfig(COMMAND, 2);
        assertEquals(Status.RW1C, device.readConfig(STATUS, 2) & Status.RW1C, "the errors are there");

        guest.write(COMMAND, 4, command & ~Command.MASTER);

        assertEquals(Status.RW1C, device.readConfig(STATUS, 2) & Status.RW1C, "no error bit cleared");
        assertEquals(Status.RW1C, guest.read(STATUS, 2) & Status.RW1C, "the guest still sees them");
        assertEquals(command & ~Command.MASTER, device.readConfig(COMMAND, 2), "bus master cleared on the device");
    }

    /** As vfio: Status writes are dropped, so the guest cannot clear error bits either. */
    @Test
    void statusWritesAreDropped() {
        SimulatedDevice device = withStatusErrors(image(GPU));
        VirtualDevice guest = open(device);
        int before = device.readConfig(STATUS, 2);
        guest.write(STATUS, 2, 0xffff);
        guest.write(COMMAND, 4, guest.read(COMMAND, 2) | 0xffff << 16);
        assertEquals(before, device.readConfig(STATUS, 2));
    }

    /**
     * Difference 7: Memory decode is virtual; while the guest's bit is off, BAR accesses are refused
     * (reads all-ones, writes dropped) without reaching the device, whose decode the guest never
     * changes.
     */
    @Test
    void memoryDecodeIsVirtualAndBarAccessIsRefusedWhileOff() {
        SimulatedDevice device = fresh(image(GPU));
        BarAccesses accesses = new BarAccesses();
        device.addAccessListener(accesses);
        VirtualDevice guest = open(device);
        int hostCommand = device.readConfig(COMMAND, 2);
        assertTrue((hostCommand & Command.MEMORY) != 0, "the host has Memory decode on");

        assertEquals(0, guest.read(COMMAND, 2) & Command.MEMORY);
        assertEquals(0xffffffffL, guest.barRead(0, 0, 4));
        guest.barWrite(0, 0, 4, 0x1234);
        assertEquals(0, accesses.count, "refused accesses never reach the device");

        guest.write(COMMAND, 2, Command.MEMORY);
        assertEquals(Command.MEMORY, guest.read(COMMAND, 2) & Command.MEMORY);
        assertEquals(device.readBar(0, 0, 4), guest.barRead(0, 0, 4));
        assertTrue(accesses.count > 0, "with decode on, the access reaches the device");

        guest.write(COMMAND, 2, 0);
        int decode = Command.IO | Command.MEMORY;
        assertEquals(hostCommand & decode, device.readConfig(COMMAND, 2) & decode, "the device keeps the host's decode");
        int reached = accesses.count;
        assertEquals(0xffffffffL, guest.barRead(0, 0, 4));
        assertEquals(reached, accesses.count);
    }

    /** INTx Disable is virtual: the router masks INTx; the device bit is the host's. */
    @Test
    void intxDisableNeverReachesTheDevice() {
        SimulatedDevice device = fresh(image(GPU));
        VirtualDevice guest = open(device);
        int hostCommand = device.readConfig(COMMAND, 2);
        guest.write(COMMAND, 2, Command.INTX_DISABLE | Command.MASTER);
        assertEquals(Command.INTX_DISABLE | Command.MASTER, guest.read(COMMAND, 2));
        assertEquals(hostCommand & Command.INTX_DISABLE, device.readConfig(COMMAND, 2) & Command.INTX_DISABLE);
        assertEquals(Command.MASTER, device.readConfig(COMMAND, 2) & Command.MASTER);
    }

    /** The router hears of INTx at open and whenever the guest flips INTx Disable: INTx Disable is its mask. */
    @Test
    void intxDisableChangesReachTheInterruptRouter() {
        RecordingInterruptController controller = new RecordingInterruptController();
        runtime.setInterruptRouter(new InterruptRouterImpl(controller));
        SimulatedDevice device = fresh(image(GPU));
        VirtualDevice guest = open(device);
        assertFalse(intxRoute().masked, "open: pin A, INTx Disable clear");

        guest.write(COMMAND, 2, Command.INTX_DISABLE);
        assertTrue(intxRoute().masked);
        device.raiseInterrupt(InterruptKind.INTX, 0);
        guest.write(INTERRUPT_LINE, 1, 0x0a);
        assertEquals(List.of(), controller.lines(), "held while INTx Disable is set");

        guest.write(COMMAND + 1, 1, 0);
        assertEquals(List.of("> intx assert"), controller.lines(), "delivered when it clears");
    }

    private RouteDTO intxRoute() {
        RouteDTO r = runtime.snapshot().devices[0].interrupts[0];
        assertEquals("intx", r.source);
        return r;
    }

    /** Interrupt Line is a scratch byte in the shadow (reference 3.5). */
    @Test
    void interruptLineIsKeptInTheShadow() {
        SimulatedDevice device = fresh(image(GPU));
        VirtualDevice guest = open(device);
        int hostLine = device.readConfig(INTERRUPT_LINE, 1);
        assertEquals(hostLine, guest.read(INTERRUPT_LINE, 1), "starts as the device's");
        guest.write(INTERRUPT_LINE, 1, hostLine ^ 0xff);
        assertEquals(hostLine ^ 0xff, guest.read(INTERRUPT_LINE, 1));
        assertEquals(hostLine, device.readConfig(INTERRUPT_LINE, 1));
        guest.write(INTERRUPT_PIN, 1, 0);
        assertNotEquals(0, guest.read(INTERRUPT_PIN, 1), "the pin is read-only");
    }

    /** A reset returns the guest to its open-time view: BARs at 0, decode off, line as at open. */
    @Test
    void resetReturnsTheGuestToTheOpenTimeView() {
        SimulatedDevice device = fresh(image(GPU));
        VirtualDevice guest = open(device);
        byte[] atOpen = header(guest::read);
        guest.write(BASE_ADDRESS_0, 4, 0xf0000000);
        guest.write(COMMAND, 2, Command.MEMORY | Command.IO | Command.INTX_DISABLE);
        guest.write(INTERRUPT_LINE, 1, 0x42);
        assertFalse(Arrays.equals(atOpen, header(guest::read)));

        guest.reset(ResetKind.BUS);

        assertArrayEquals(atOpen, header(guest::read));
    }
}
