package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * HandlerContext.report: the core prefixes device and capability, and a guest causing reports at
 * will gets the first 10 logged, then one in every 1,000, per device and capability (XSA-130).
 */
class GuestReportLimitTest {

    static final int PM = 0x40;
    static final int VNDR = 0x50;
    /** Vendor +4: a virtual scratch register; every guest write there makes the vendor handler report. */
    static final int SCRATCH = VNDR + 4;
    static final int WRITES = 20_000;
    /** 10, then writes 1010, 2010 ... 19010. */
    static final int LOGGED = 10 + (WRITES - 10) / 1_000;

    final RecordingLogger log = new RecordingLogger();
    final CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker(), log);
    /** How often the core called a report's supplier. */
    final AtomicInteger built = new AtomicInteger();
    final FakeHandler vendor = new FakeHandler(c -> PermissionTable.builder(16)
            .at(4, 4).virtual(-1).writable(-1).because("scratch").build());
    final FakeHandler power = new FakeHandler(c -> PermissionTable.builder(Pm.SIZEOF)
            .at(Pm.CTRL, 2).virtual(Pm.CTRL_STATE_MASK).writable(Pm.CTRL_STATE_MASK).because("power state").build());
    byte[] image;

    @BeforeEach
    void handlers() {
        image = ConfigImage.type0(CFG_SPACE_SIZE).std(PM, CapId.PM).std(VNDR, CapId.VNDR).set(VNDR + 2, 1, 16).bytes();
        runtime.addHandler(new FakeHandler(c -> FakeHeader.table()), FakeHandler.props("header", 0, 0, 1));
        runtime.addHandler(power, FakeHandler.props("standard", CapId.PM, 0, 2));
        runtime.addHandler(vendor, FakeHandler.props("standard", CapId.VNDR, 0, 3));
        vendor.onWrite = (c, value) -> {
            c.report(Level.WARNING, () -> {
                built.incrementAndGet();
                return "4-byte write of 0x" + Integer.toHexString(value) + " at 0x" + Integer.toHexString(SCRATCH)
                        + ": refused";
            });
            return CapabilityHandler.NONE;
        };
        power.onWrite = (c, value) -> {
            c.report(Level.INFO, () -> "power state " + (value & Pm.CTRL_STATE_MASK) + " refused");
            return CapabilityHandler.NONE;
        };
    }

    private VirtualDevice open(PciAddress address) {
        return runtime.open(new FakeDevice(address, image));
    }

    private static VirtualCapabilityDTO capability(VirtualDeviceDTO device, int id) {
        for (VirtualCapabilityDTO c : device.capabilities) {
            if (c.id == id && "standard".equals(c.space)) {
                return c;
            }
        }
        throw new AssertionError("no capability 0x" + Integer.toHexString(id) + " in " + device.address);
    }

    private static String prefix(VirtualDeviceDTO device, int id) {
        VirtualCapabilityDTO c = capability(device, id);
        return device.address + ": " + c.name + "@0x" + Integer.toHexString(c.offset) + " (capability id 0x"
                + Integer.toHexString(id) + "): ";
    }

    @Test
    void twentyThousandReportingWritesLogTheFirstTenThenOneInEveryThousandAndCountTheRest() {
        VirtualDevice v = open(new PciAddress(0, 3, 0, 0));
        for (int k = 1; k <= WRITES; k++) {
            v.write(SCRATCH, 4, k);
        }
        VirtualDeviceDTO dto = runtime.snapshot().devices[0];
        String prefix = prefix(dto, CapId.VNDR);
        List<String> lines = log.containing(prefix);
        assertTrue(lines.size() <= 10 + 20, lines.size() + " lines");
        assertEquals(LOGGED, lines.size(), "and not fewer");
        assertEquals(log.messages, lines, "every line is the vendor handler's report");
        for (int k = 1; k <= 10; k++) {
            assertEquals("WARNING " + prefix + "4-byte write of 0x" + Integer.toHexString(k) + " at 0x"
                    + Integer.toHexString(SCRATCH) + ": refused", lines.get(k - 1));
        }
        assertEquals("WARNING " + prefix + "4-byte write of 0x" + Integer.toHexString(1_010) + " at 0x"
                + Integer.toHexString(SCRATCH) + ": refused [999 similar reports suppressed since the last one logged,"
                + " 999 in all]", lines.get(10));
        assertTrue(lines.get(LOGGED - 1).startsWith("WARNING " + prefix + "4-byte write of 0x"
                + Integer.toHexString(19_010) + " "), lines.get(LOGGED - 1));
        assertTrue(lines.get(LOGGED - 1).endsWith(", " + 999 * (LOGGED - 10) + " in all]"), lines.get(LOGGED - 1));
        assertEquals(LOGGED, built.get(), "the supplier is not called for suppressed lines");
        assertEquals(WRITES - LOGGED, capability(dto, CapId.VNDR).suppressedReports);
        assertEquals(0, capability(dto, CapId.PM).suppressedReports);
        assertEquals(0, dto.deniedWrites, "the writes themselves were honoured");
    }

    @Test
    void theLimitIsPerCapabilityAndPerDevice() {
        VirtualDevice first = open(new PciAddress(0, 3, 0, 0));
        VirtualDevice second = open(new PciAddress(0, 4, 0, 0));
        for (int k = 0; k < 11; k++) {
            first.write(SCRATCH, 4, k);
        }
        first.write(PM + Pm.CTRL, 2, Pm.STATE_D3HOT);
        second.write(SCRATCH, 4, 0);

        VirtualDeviceDTO[] devices = runtime.snapshot().devices;
        VirtualDeviceDTO one = devices[0].address.equals(first.address().toString()) ? devices[0] : devices[1];
        VirtualDeviceDTO two = one == devices[0] ? devices[1] : devices[0];
        assertEquals(10, log.containing(prefix(one, CapId.VNDR)).size());
        assertEquals(List.of("INFO " + prefix(one, CapId.PM) + "power state 3 refused"),
                log.containing(prefix(one, CapId.PM)));
        assertEquals(1, log.containing(prefix(two, CapId.VNDR)).size());
        assertEquals(1, capability(one, CapId.VNDR).suppressedReports);
        assertEquals(0, capability(two, CapId.VNDR).suppressedReports);
    }
}
