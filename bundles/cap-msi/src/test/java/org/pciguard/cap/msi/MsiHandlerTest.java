package org.pciguard.cap.msi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.cap.msi.ShippedMsi.flags;
import static org.pciguard.cap.msi.ShippedMsi.msi;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.Effect.MsiProgrammed;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.Recorder;
import org.pciguard.testing.RecordingLogger;

/**
 * What the MSI handler tells the interrupt router, in the real core on shipped functions of each
 * layout: the programming at open and after every guest change, the Multiple Message Enable clamp,
 * and the pending bits the router reports.
 */
class MsiHandlerTest {

    /** 64-bit, per-vector masking, 1 vector. */
    static final String MASK_64 = "8086-10c9-82576-gbe-sriov.lspci";
    /** 32-bit, per-vector masking, 8 vectors. */
    static final String MASK_32 = "168c-003c-qca988x-wifi.lspci";
    /** 64-bit, no masking, 8 vectors. */
    static final String PLAIN_64 = "2646-5013-kc3000-nvme.lspci";
    /** 32-bit, no masking, 4 vectors; the host has MSI programmed. */
    static final String PLAIN_32 = "1002-5a13-rd890-ht.lspci";

    private static final MsiProgrammed DISABLED = new MsiProgrammed(false, 0, 0, 1, 0);

    private final RecordingLogger log = new RecordingLogger();
    private final Recorder handler = new Recorder(new MsiHandler());
    private final CoreRuntime runtime = ShippedMsi.runtime(handler, log);
    private SimulatedDevice device;
    private VirtualDevice guest;
    private int cap;

    @AfterEach
    void close() {
        runtime.close();
    }

    private void open(String source) {
        DeviceImage image = image(source);
        device = fresh(image);
        cap = msi(image).offset();
        guest = runtime.open(device);
    }

    private int configBytes(int from, int to) {
        int hash = 0;
        for (int off = from; off < to; off += 4) {
            hash = hash * 31 + device.readConfig(off, 4);
        }
        return hash;
    }

    @ParameterizedTest
    @ValueSource(strings = {MASK_64, MASK_32, PLAIN_64, PLAIN_32})
    void openTellsTheRouterMsiIsDisabledWithOneVector(String source) {
        open(source);
        assertEquals(List.of(DISABLED), handler.take());
    }

    @Test
    void everyChangeOfA64BitMaskableCapabilityReachesTheRouter() {
        open(MASK_64);
        handler.take();
        guest.write(cap + Msi.ADDRESS_LO, 4, 0xfee0100f);
        guest.write(cap + Msi.ADDRESS_HI, 4, 0x1);
        guest.write(cap + Msi.DATA_64, 2, 0x4041);
        guest.write(cap + Msi.MASK_64, 4, -1);
        guest.write(cap + Msi.FLAGS, 2, Msi.FLAGS_ENABLE);
        assertEquals(List.of(
                new MsiProgrammed(false, 0xfee0100cL, 0, 1, 0),
                new MsiProgrammed(false, 0x1_fee0100cL, 0, 1, 0),
                new MsiProgrammed(false, 0x1_fee0100cL, 0x4041, 1, 0),
                new MsiProgrammed(false, 0x1_fee0100cL, 0x4041, 1, 1),
                new MsiProgrammed(true, 0x1_fee0100cL, 0x4041, 1, 1)), handler.take());
    }

    @Test
    void everyChangeOfA32BitMaskableCapabilityReachesTheRouter() {
        open(MASK_32);
        handler.take();
        guest.write(cap + Msi.ADDRESS_LO, 2, 0x1000);
        guest.write(cap + Msi.ADDRESS_LO + 2, 2, 0xfee0);
        guest.write(cap + Msi.DATA_32, 4, 0xffff0020);   // Extended Message Data is not offered
        guest.write(cap + Msi.MASK_32, 1, 0x0f);
        guest.write(cap + Msi.FLAGS, 1, Msi.FLAGS_ENABLE | 3 << 4);
        assertEquals(List.of(
                new MsiProgrammed(false, 0x1000L, 0, 1, 0),
                new MsiProgrammed(false, 0xfee01000L, 0, 1, 0),
                new MsiProgrammed(false, 0xfee01000L, 0x20, 1, 0),
                new MsiProgrammed(false, 0xfee01000L, 0x20, 1, 0x0f),
                new MsiProgrammed(true, 0xfee01000L, 0x20, 8, 0x0f)), handler.take());
        assertEquals(0x20, guest.read(cap + Msi.DATA_32, 4));
    }

    @Test
    void without64BitAddressOrMaskingTheUpperAddressAndMaskAreZero() {
        open(PLAIN_32);
        handler.take();
        guest.write(cap + Msi.ADDRESS_LO, 4, 0xfee00000);
        guest.write(cap + Msi.DATA_32, 2, 0x31);
        guest.write(cap + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | 2 << 4);
        assertEquals(List.of(
                new MsiProgrammed(false, 0xfee00000L, 0, 1, 0),
                new MsiProgrammed(false, 0xfee00000L, 0x31, 1, 0),
                new MsiProgrammed(true, 0xfee00000L, 0x31, 4, 0)), handler.take());
    }

    @Test
    void writesThatChangeNothingTheRouterKnowsProduceNoEffect() {
        open(MASK_64);
        guest.write(cap + Msi.ADDRESS_LO, 4, 0xfee00000);
        handler.take();
        guest.write(cap + Msi.ADDRESS_LO, 4, 0xfee00000);      // the same value
        guest.write(cap + Msi.ADDRESS_LO, 1, 0x03);            // reserved bits 1:0
        guest.write(cap, 2, 0xffff);                           // id and next
        guest.write(cap + Msi.FLAGS + 1, 1, 0xff);             // Message Control high byte: fixed
        guest.write(cap + Msi.PENDING_64, 4, -1);              // read-only
        guest.write(cap + Msi.MASK_64, 4, 0xfffffffe);         // bits of vectors the function lacks
        assertEquals(List.of(), handler.take());
        assertEquals(0, guest.read(cap + Msi.PENDING_64, 4));
        assertEquals(0, guest.read(cap + Msi.MASK_64, 4));
    }

    /** A guest asking for more vectors than the function has gets what it has, in its view too. */
    @ParameterizedTest
    @ValueSource(strings = {MASK_64, MASK_32, PLAIN_64, PLAIN_32})
    void multipleMessageEnableAboveCapableIsSetToCapableAndLogged(String source) {
        open(source);
        int capable = (flags(image(source)) & Msi.FLAGS_QMASK) >> 1;
        handler.take();
        guest.write(cap + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE);
        assertEquals(capable << 4, guest.read(cap + Msi.FLAGS, 2) & Msi.FLAGS_QSIZE, "MME = MMC in the guest's view");
        List<Effect> effects = handler.take();
        assertEquals(1, effects.size());
        assertEquals(1 << capable, ((MsiProgrammed) effects.get(0)).vectors());
        String where = device.address() + ": MSI@0x" + Integer.toHexString(cap) + " (capability id 0x5): 2-byte write"
                + " of 0x71 at 0x" + Integer.toHexString(cap + Msi.FLAGS);
        assertTrue(log.messages.stream().anyMatch(m -> m.startsWith("INFO " + where) && m.contains("128 vectors")
                && m.contains("set to " + capable)), log.messages.toString());

        guest.write(cap + Msi.FLAGS, 2, 0);
        assertEquals(List.of(new MsiProgrammed(false, 0, 0, 1, 0)), handler.take());
    }

    /**
     * A guest repeating the write cannot flood the host's log: the clamp is reported through the core,
     * which logs the first 10 of the device's MSI and counts the rest.
     */
    @Test
    void aGuestRepeatingTheClampGetsTheCoresLimit() {
        open(MASK_64);
        for (int k = 0; k < 100; k++) {
            guest.write(cap + Msi.FLAGS, 2, Msi.FLAGS_QSIZE);
        }
        assertEquals(10, log.messages.stream().filter(m -> m.startsWith("INFO " + device.address() + ": MSI@0x")
                && m.contains("128 vectors")).count(), log.messages.toString());
        assertEquals(10, log.messages.size(), log.messages.toString());
        VirtualCapabilityDTO msi = Arrays.stream(runtime.snapshot().devices[0].capabilities)
                .filter(c -> c.id == CapId.MSI && c.offset == cap).findFirst().orElseThrow();
        assertEquals(90, msi.suppressedReports);
    }

    @Test
    void multipleMessageEnableWithinCapableIsKept() {
        open(MASK_32);
        for (int mme = 0; mme <= 3; mme++) {
            guest.write(cap + Msi.FLAGS, 2, mme << 4);
            assertEquals(mme << 4, guest.read(cap + Msi.FLAGS, 2) & Msi.FLAGS_QSIZE);
        }
        assertEquals(List.of(), log.messages);
    }

    @ParameterizedTest
    @ValueSource(strings = {MASK_64, MASK_32, PLAIN_64, PLAIN_32})
    void theDevicesMsiRegistersNeverChange(String source) {
        open(source);
        int end = cap + msi(image(source)).length() + 3 & ~3;
        int before = configBytes(cap, end);
        for (int rel = 0; rel < end - cap; rel += 4) {
            guest.write(cap + rel, 4, -1);
            guest.write(cap + rel, 4, 0x12345678);
        }
        assertEquals(before, configBytes(cap, end));
    }

    /** The router's pending bits show in Pending Bits (difference 2), and go on clearing. */
    @Test
    void pendingBitsFollowTheRouter() {
        open(MASK_32);
        handler.pendingChanged(handler.context, InterruptKind.MSI, 0, true);
        handler.pendingChanged(handler.context, InterruptKind.MSI, 7, true);
        assertEquals(0x81, guest.read(cap + Msi.PENDING_32, 4));
        handler.pendingChanged(handler.context, InterruptKind.MSI, 0, false);
        assertEquals(0x80, guest.read(cap + Msi.PENDING_32, 4));
        assertEquals(0, device.readConfig(cap + Msi.PENDING_32, 4), "never on the device");

        handler.pendingChanged(handler.context, InterruptKind.MSIX, 1, true);
        handler.pendingChanged(handler.context, InterruptKind.MSI, 8, true);
        assertEquals(0x80, guest.read(cap + Msi.PENDING_32, 4), "other kinds and vectors the function lacks are ignored");
        assertTrue(log.messages.stream().anyMatch(m -> m.startsWith("WARNING " + device.address() + ": MSI@0x50")
                && m.contains("vector 8")), log.messages.toString());
    }

    @Test
    void withoutMaskingThereAreNoPendingBitsToSet() {
        open(PLAIN_64);
        int end = cap + msi(image(PLAIN_64)).length() + 3 & ~3;
        int before = 0;
        for (int off = cap & ~3; off < end; off += 4) {
            before = before * 31 + guest.read(off, 4);
        }
        handler.pendingChanged(handler.context, InterruptKind.MSI, 0, true);
        int after = 0;
        for (int off = cap & ~3; off < end; off += 4) {
            after = after * 31 + guest.read(off, 4);
        }
        assertEquals(before, after);
    }

    @Test
    void aResetReturnsToTheOpenTimeViewAndTellsTheRouter() {
        open(MASK_64);
        guest.write(cap + Msi.ADDRESS_LO, 4, 0xfee00000);
        guest.write(cap + Msi.MASK_64, 4, 1);
        guest.write(cap + Msi.FLAGS, 2, Msi.FLAGS_ENABLE);
        handler.take();
        guest.reset(ResetKind.FLR);
        assertEquals(List.of(DISABLED), handler.take());
        assertEquals(0, guest.read(cap + Msi.ADDRESS_LO, 4));
        assertEquals(0, guest.read(cap + Msi.MASK_64, 4));
        assertEquals(0, guest.read(cap + Msi.FLAGS, 2) & Msi.FLAGS_ENABLE);
    }
}
