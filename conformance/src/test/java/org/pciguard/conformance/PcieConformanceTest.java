package org.pciguard.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCAP;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCTL;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCTL2;
import static org.pciguard.api.regs.PciRegs.Exp.DEVSTA;
import static org.pciguard.api.regs.PciRegs.Exp.LNKSTA;
import static org.pciguard.api.regs.PciRegs.Exp.RTSTA;
import static org.pciguard.api.regs.PciRegs.Exp.SLTSTA;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.conformance.Functions.capability;
import static org.pciguard.testing.ConfigBytes.dwords;
import static org.pciguard.testing.ConfigBytes.get;
import static org.pciguard.testing.ConfigBytes.put;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * The PCI Express handler in the real core, on simulated functions built from the shipped real
 * dumps: every guest write at every width and offset of the capability against reference 2.9 and
 * 3.8 with DESIGN.md's differences; then the side effects (FLR and what it restores) and one named
 * test per rule.
 */
class PcieConformanceTest {

    /** A GPU with FLR, a 16 MiB BAR0, 64-bit BARs and a ROM. */
    private static final String GPU = "10de-24a0-ga104-rtx3070ti.lspci";
    /** A NIC with FLR whose Device Status has Correctable Error and Unsupported Request set. */
    private static final String NIC = "8086-10c9-82576-gbe-sriov.lspci";
    /** A GPU without FLR capability. */
    private static final String NO_FLR = "10de-1d10-gp108m-mx150.lspci";

    private final RecordingLogger log = new RecordingLogger();
    private final CoreRuntime runtime = Functions.runtime(new CoreRuntime(new DefaultCapabilityWalker(), log));
    private final List<VirtualDevice> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(VirtualDevice::close);
        runtime.close();
    }

    private VirtualDevice open(PhysicalDevice device) {
        VirtualDevice guest = runtime.open(device);
        opened.add(guest);
        return guest;
    }

    /** Every shipped type-0 function with a PCI Express capability. */
    static Stream<DeviceImage> express() {
        return Shipped.type0().filter(i -> Functions.capabilities(i).find(CapabilitySpace.STANDARD, CapId.EXP).isPresent());
    }

    private static Capability exp(DeviceImage image) {
        return capability(image, CapabilitySpace.STANDARD, CapId.EXP);
    }

    /** Reference 2.9 (vfio's masks as it spells them) and 3.8, then DESIGN.md's differences. */
    static CapabilityReference reference(DeviceImage image) {
        Capability cap = exp(image);
        int word = 0xffff;
        CapabilityReference ref = new CapabilityReference(cap.length())
                .vfio(1, 1, 0xff, 0) // next pointer
                .vfio(DEVCTL, 2, Exp.DEVCTL_BCR_FLR | Exp.DEVCTL_READRQ | Exp.DEVCTL_PAYLOAD, word & ~Exp.DEVCTL_PHANTOM)
                .vfio(DEVCTL2, 2, 0, word & ~Exp.DEVCTL2_ARI)
                // 3.8: Initiate FLR reads 0; a 1 resets a function that is FLR capable.
                .readsZero(DEVCTL, 2, Exp.DEVCTL_BCR_FLR)
                // PCIe 6.0, 7.5.3: the status registers' RW1C bits (difference 1: never cleared by a write the
                // guest did not aim at them, and it may not).
                .hardwareRw1c(DEVSTA, 2, Exp.DEVSTA_RW1C)
                .hardwareRw1c(LNKSTA, 2, Exp.LNKSTA_LBMS | Exp.LNKSTA_LABS)
                .hardwareRw1c(SLTSTA, 2, Exp.SLTSTA_RW1C)
                .hardwareRw1c(RTSTA, 4, Exp.RTSTA_PME);
        if ((get(image.config(), cap.offset() + DEVCAP, 4) & Exp.DEVCAP_FLR) != 0) {
            ref.resetsOn(DEVCTL + 1, Exp.DEVCTL_BCR_FLR >>> 8, ResetKind.FLR);
        }
        return ref;
    }

    // ---- every bit at every width and offset ----------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("express")
    void everyWriteOfTheCapabilityFollowsTheReference(DeviceImage image) {
        CapabilityFlip.everyWrite(runtime, image, exp(image), reference(image));
    }

    // ---- length --------------------------------------------------------------------------------

    /** Reference 4.2: the length by version and device/port type, as the guest's device serves it. */
    @ParameterizedTest(name = "{0}: {1} bytes")
    @CsvSource({
        "8086-3a3e-ich10-hda.lspci, 12", // v1 Root Complex integrated endpoint
        "14c1-0008-myri10g-ats.lspci, 20", // v1 endpoint
        "11ab-4363-yukon2-88e8055.lspci, 20", // v1 legacy endpoint
        "8086-51f0-adl-cnvi-wifi.lspci, 44", // v2 Root Complex integrated endpoint
        "8086-10c9-82576-gbe-sriov.lspci, 52", // v2 endpoint
        "10de-24a0-ga104-rtx3070ti.lspci, 52", // v2 legacy endpoint
    })
    void theCapabilityLengthFollowsVersionAndType(String source, int length) {
        open(fresh(image(source)));
        VirtualCapabilityDTO dto = Stream.of(runtime.snapshot().devices[0].capabilities)
                .filter(c -> c.id == CapId.EXP && CapabilitySpace.STANDARD.property().equals(c.space)).findFirst()
                .orElseThrow();
        assertEquals(length, dto.length);
        assertFalse(dto.hidden);
        assertNotEquals(-1, dto.handlerServiceId, "a handler serves it");
    }

    /** A version 1 capability ends before Device Control 2: a write there reaches nothing. */
    @Test
    void aVersion1CapabilityHasNoDeviceControl2() {
        DeviceImage image = image("14c1-0008-myri10g-ats.lspci");
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int at = exp(image).offset() + DEVCTL2;
        byte[] before = dwords(device::readConfig, 0, device.configSize());
        guest.write(at, 2, Exp.DEVCTL2_COMP_TIMEOUT);
        assertArrayEquals(before, dwords(device::readConfig, 0, device.configSize()));
    }

    // ---- Device Control ---------------------------------------------------------------------------

    @Test
    void mpsAndMrrsAreVirtualAndTheDeviceKeepsTheHosts() {
        DeviceImage image = image(NIC);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int at = exp(image).offset() + DEVCTL;
        int host = device.readConfig(at, 2);
        int sizes = Exp.DEVCTL_PAYLOAD | Exp.DEVCTL_READRQ;
        int guestSizes = ~host & sizes;

        guest.write(at, 2, guest.read(at, 2) & ~sizes | guestSizes);

        assertEquals(guestSizes, guest.read(at, 2) & sizes, "the guest reads back what it wrote");
        assertEquals(host, device.readConfig(at, 2), "the device keeps the host's MPS and MRRS");
    }

    @Test
    void errorReportingAndTheOtherDeviceBitsReachTheDevice() {
        DeviceImage image = image(NIC);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int at = exp(image).offset() + DEVCTL;
        int bits = Exp.DEVCTL_CERE | Exp.DEVCTL_NFERE | Exp.DEVCTL_FERE | Exp.DEVCTL_URRE | Exp.DEVCTL_RELAX_EN
                | Exp.DEVCTL_EXT_TAG | Exp.DEVCTL_AUX_PME | Exp.DEVCTL_NOSNOOP_EN;
        guest.write(at, 2, guest.read(at, 2) | bits);
        assertEquals(bits, device.readConfig(at, 2) & bits);
        guest.write(at, 2, guest.read(at, 2) & ~bits);
        assertEquals(0, device.readConfig(at, 2) & bits);
    }

    /** A function that supports phantom functions: its hardware makes Phantom Functions Enable RW. */
    @Test
    void phantomFunctionsEnableNeverReachesTheDevice() {
        DeviceImage plain = image(NIC);
        int devcap = exp(plain).offset() + DEVCAP;
        byte[] config = plain.config();
        put(config, devcap, 4, get(config, devcap, 4) | Exp.DEVCAP_PHANTOM);
        DeviceImage image = Functions.with(plain, "with phantom functions", config);
        SimulatedDevice device = fresh(image);
        SimulatedDevice twin = fresh(image);
        int at = exp(image).offset() + DEVCTL;
        twin.writeConfig(at, 2, twin.readConfig(at, 2) | Exp.DEVCTL_PHANTOM);
        assertEquals(Exp.DEVCTL_PHANTOM, twin.readConfig(at, 2) & Exp.DEVCTL_PHANTOM, "the hardware would take it");

        VirtualDevice guest = open(device);
        guest.write(at, 2, guest.read(at, 2) | Exp.DEVCTL_PHANTOM);

        assertEquals(0, device.readConfig(at, 2) & Exp.DEVCTL_PHANTOM);
        assertEquals(0, guest.read(at, 2) & Exp.DEVCTL_PHANTOM);
    }

    /**
     * Difference 1: the Device Status error bits survive a 4-byte write at Device Control, which
     * covers them (vfio writes back what it read and clears them); and, as in vfio, the guest
     * cannot clear them.
     */
    @Test
    void deviceStatusErrorsSurviveADwordWriteAtDeviceControlAndCannotBeCleared() {
        DeviceImage image = image(NIC);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int at = exp(image).offset() + DEVCTL;
        int errors = device.readConfig(at + 2, 2) & Exp.DEVSTA_RW1C;
        assertEquals(Exp.DEVSTA_CED | Exp.DEVSTA_URD, errors, "the dump's Correctable Error and Unsupported Request");

        guest.write(at, 4, guest.read(at, 2) | Exp.DEVCTL_URRE | 0xffff << 16);
        guest.write(at + 2, 2, 0xffff);

        assertEquals(errors, device.readConfig(at + 2, 2) & Exp.DEVSTA_RW1C);
        assertEquals(errors, guest.read(at + 2, 2) & Exp.DEVSTA_RW1C);
        assertEquals(Exp.DEVCTL_URRE, device.readConfig(at, 2) & Exp.DEVCTL_URRE, "Device Control was written");
    }

    // ---- FLR -------------------------------------------------------------------------------------

    /**
     * Initiate FLR resets the function through the backend; the host-owned state is written back
     * (BARs the host moved after power-on, decode enables), the guest's view is the open-time one
     * again and the interrupt router hears the initial interrupt programming again.
     */
    @Test
    void initiateFlrResetsTheFunctionRestoresHostStateAndTheOpenTimeView() {
        DeviceImage image = image(GPU);
        SimulatedDevice device = fresh(image);
        BarInfo bar0 = image.bars().stream().filter(b -> b.index() == 0).findFirst().orElseThrow();
        int powerOnBar0 = device.readConfig(BASE_ADDRESS_0, 4);
        int hostBar0 = powerOnBar0 + (int) bar0.size(); // the host moved BAR0 after power-on
        device.writeConfig(BASE_ADDRESS_0, 4, hostBar0);
        assertEquals(hostBar0, device.readConfig(BASE_ADDRESS_0, 4));
        int hostDecode = device.readConfig(COMMAND, 2) & (Command.IO | Command.MEMORY);
        RecordingRouter router = new RecordingRouter();
        runtime.setInterruptRouter(router);

        VirtualDevice guest = open(device);
        int at = exp(image).offset() + DEVCTL;
        byte[] atOpen = dwords(guest::read, 0, guest.configSize());
        guest.write(COMMAND, 2, Command.MEMORY | Command.MASTER | Command.INTX_DISABLE);
        guest.write(BASE_ADDRESS_0, 4, -1);
        guest.write(INTERRUPT_LINE, 1, 0x42);
        guest.write(at, 2, guest.read(at, 2) ^ (Exp.DEVCTL_PAYLOAD | Exp.DEVCTL_READRQ) | Exp.DEVCTL_CERE);
        assertEquals(Exp.DEVCTL_CERE, device.readConfig(at, 2) & Exp.DEVCTL_CERE);
        assertFalse(Arrays.equals(atOpen, dwords(guest::read, 0, guest.configSize())));
        router.heard.clear();

        guest.write(at, 2, guest.read(at, 2) | Exp.DEVCTL_BCR_FLR);

        assertArrayEquals(atOpen, dwords(guest::read, 0, guest.configSize()), "the guest sees the open-time view");
        assertEquals(0, guest.read(at, 2) & Exp.DEVCTL_BCR_FLR, "Initiate FLR reads 0");
        assertEquals(0, device.readConfig(at, 2) & Exp.DEVCTL_CERE, "the function was reset");
        assertEquals(hostBar0, device.readConfig(BASE_ADDRESS_0, 4), "the host's BAR0 is back, not the power-on one");
        assertEquals(hostDecode, device.readConfig(COMMAND, 2) & (Command.IO | Command.MEMORY), "host decode back");
        assertEquals("release", router.heard.get(0), "the reset releases the routes: " + router.heard);
        assertTrue(router.heard.contains("intx on"), "then the initial INTx programming again: " + router.heard);
    }

    @Test
    void initiateFlrWithoutFlrCapabilityReadsZeroAndResetsNothing() {
        DeviceImage image = image(NO_FLR);
        assertEquals(0, get(image.config(), exp(image).offset() + DEVCAP, 4) & Exp.DEVCAP_FLR);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int at = exp(image).offset() + DEVCTL;
        guest.write(at, 2, guest.read(at, 2) | Exp.DEVCTL_CERE);

        guest.write(at, 2, guest.read(at, 2) | Exp.DEVCTL_BCR_FLR);

        assertEquals(0, guest.read(at, 2) & Exp.DEVCTL_BCR_FLR);
        assertEquals(Exp.DEVCTL_CERE, device.readConfig(at, 2) & Exp.DEVCTL_CERE, "no reset");
    }

    /**
     * A reset the backend cannot carry out: the write completes, nothing is thrown to the guest,
     * Initiate FLR reads 0, the guest view stays, and the failure is logged naming the device and
     * the capability.
     */
    @Test
    void anFlrTheBackendRefusesIsLoggedAndNeverThrownToTheGuest() {
        DeviceImage image = image(GPU);
        SimulatedDevice sim = fresh(image);
        VirtualDevice guest = open(new ResetRefusingDevice(sim));
        int at = exp(image).offset() + DEVCTL;
        guest.write(at, 2, guest.read(at, 2) | Exp.DEVCTL_CERE);
        guest.write(INTERRUPT_LINE, 1, 0x42);

        guest.write(at, 2, guest.read(at, 2) | Exp.DEVCTL_BCR_FLR);

        assertEquals(0, guest.read(at, 2) & Exp.DEVCTL_BCR_FLR);
        assertEquals(Exp.DEVCTL_CERE, sim.readConfig(at, 2) & Exp.DEVCTL_CERE, "nothing was reset");
        assertEquals(0x42, guest.read(INTERRUPT_LINE, 1), "the guest view stays");
        String label = exp(image).label();
        assertFalse(log.containing(sim.address().toString(), "reset FLR", label, "failed").isEmpty(),
                "logged: " + log.messages);
    }

    /** The guest's Initiate FLR is reported through the core (HandlerContext.report), naming device and capability. */
    @Test
    void initiateFlrIsReportedThroughTheCore() {
        DeviceImage image = image(GPU);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        Capability exp = exp(image);
        int at = exp.offset() + DEVCTL;
        int value = guest.read(at, 2) | Exp.DEVCTL_BCR_FLR;

        guest.write(at, 2, value);

        assertEquals(List.of("DEBUG " + device.address() + ": " + exp.label() + " (capability id 0x10): "
                + "2-byte write of 0x" + Integer.toHexString(value) + " at 0x" + Integer.toHexString(at)
                + ": Initiate FLR, asking the host for a function reset"), log.containing("Initiate FLR"));
    }

    /** A function whose backend offers no reset: reset refuses with the backend's message. */
    private static final class ResetRefusingDevice extends DelegatingDevice {
        ResetRefusingDevice(SimulatedDevice sim) {
            super(sim);
        }

        @Override
        public Set<ResetKind> resets() {
            return Set.of();
        }

        @Override
        public void reset(ResetKind kind) {
            throw new PciAccessException(address(), "reset " + kind + " not supported by this backend");
        }
    }

    /** ARI Forwarding Enable is the host's: a guest write of Device Control 2 carries the device's value there. */
    @Test
    void ariForwardingEnableNeverReachesTheDevice() {
        DeviceImage image = image(NIC);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int at = exp(image).offset() + DEVCTL2;
        int hw = device.readConfig(at, 2);
        ConfigWrites writes = new ConfigWrites();
        device.addAccessListener(writes);

        guest.write(at, 2, hw ^ Exp.DEVCTL2_ARI | Exp.DEVCTL2_COMP_TIMEOUT);

        assertEquals(List.of(new ConfigWrites.Write(at, 2, hw | Exp.DEVCTL2_COMP_TIMEOUT)), writes.seen);
    }
}
