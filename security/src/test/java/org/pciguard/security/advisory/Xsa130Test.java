package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Vpd;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.backend.sim.DeviceFileException;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.core.CoreRuntime;
import org.pciguard.security.FaultyDevice;
import org.pciguard.security.Fixtures;
import org.pciguard.testing.ConfigBytes;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * XSA-130 (QEMU CVE-2015-4105), "Guest triggerable qemu MSI-X pass-through error messages": every
 * guest access QEMU disliked logged a message, so a guest could fill the host's disk with logs. (The
 * same flood, of WARN messages, is part of XSA-157.) pciguard (SECURITY.md R15): denied writes and
 * refused accesses are counted, never logged one by one; a guest hammering read-only, hidden and
 * out-of-range registers leaves the host's log as it found it; a guest repeating a write that a
 * handler reports (a VPD transfer past the VPD size, a refused power state, an Initiate FLR the
 * function does not offer, more MSI vectors than it has) is reported through the core
 * (HandlerContext.report), which logs the first 10 per device and capability, then one in every
 * 1,000, and counts the rest.
 */
class Xsa130Test {

    private static final String DEVICE = "10ec-8168-rtl8111-gbe.lspci";
    /** Intel 82576: PM without D1 and D2. */
    private static final String NO_D1 = "8086-10c9-82576-gbe-sriov.lspci";
    /** Intel 82579: an AF capability, here with FLR taken out of its AF Capabilities. */
    private static final String AF = "8086-1503-82579v-gbe.lspci";
    private static final int ACCESSES = 20_000;
    private static final int REPEATS = 1000;
    /** What the core logs of a device's and capability's reports for {@link #REPEATS} of them (the first ones). */
    private static final int LOGGED = 10;
    /** Where the handler bundles log ({@code System.getLogger(class name)}). */
    private static final String HANDLERS = "org.pciguard.cap";

    /** Counts the records published to the root logger, per logger name, at or above a level. */
    private static final class LogCounter extends Handler implements AutoCloseable {
        private final Level least;
        final Map<String, Integer> counted = new TreeMap<>();

        LogCounter(Level least) {
            this.least = least;
            Logger.getLogger("").addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord r) {
            if (r.getLevel().intValue() >= least.intValue()) {
                counted.merge(r.getLoggerName() + " " + r.getLevel(), 1, Integer::sum);
            }
        }

        synchronized int total() {
            return counted.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            Logger.getLogger("").removeHandler(this);
        }
    }

    @Test
    void xsa130_aGuestHammeringDeniedAndRefusedAccessesDoesNotFloodTheHostLog() {
        Scenario s = new Scenario(DEVICE);
        try (LogCounter published = new LogCounter(Level.WARNING)) {
            Random random = new Random(130);
            int refused = 0;
            for (int k = 0; k < ACCESSES; k++) {
                // Read-only header registers, hidden and unowned bytes, and accesses outside config space.
                int off = random.nextBoolean() ? random.nextInt(0x10) & ~3 : 0x40 + 4 * random.nextInt(0xf0);
                s.guest.write(off, 4, random.nextInt());
                try {
                    s.guest.read(s.guest.configSize() + 4 * random.nextInt(64), 4);
                } catch (PciAccessException expected) {
                    refused++;
                }
            }
            assertEquals(ACCESSES, refused);
            assertTrue(s.runtime.snapshot().devices[0].deniedWrites > ACCESSES / 2, "the denied writes are counted");
            assertEquals(ACCESSES, s.runtime.snapshot().devices[0].refusedAccesses, "the refusals are counted");
            assertEquals(0, published.total(), "no handler logged a guest access itself: " + published.counted);
        }
        // The random writes reach MSI Message Control and VPD Address too: the handlers report what they cannot
        // honour through the core, which logs at most 10 + 20 lines per capability for 20,000 accesses.
        VirtualDeviceDTO device = s.runtime.snapshot().devices[0];
        long reports = 0;
        for (VirtualCapabilityDTO c : device.capabilities) {
            String prefix = device.address + ": " + c.name + "@0x" + Integer.toHexString(c.offset) + " (capability id";
            long lines = s.log.messages.stream().filter(m -> m.contains(prefix)).count();
            assertTrue(lines <= 10 + 20, prefix + ": " + lines + " lines");
            reports += lines;
        }
        assertEquals(s.log.messages.size(), reports,
                "the core logged handler reports only: " + s.log.messages.stream().limit(3).toList());
    }

    @Test
    void xsa130_writesAHandlerReportsAreLoggedByTheCoreLimitedPerDeviceAndCapability() throws DeviceFileException {
        Logger handlers = Logger.getLogger(HANDLERS);
        Level was = handlers.getLevel();
        handlers.setLevel(Level.ALL);
        try (LogCounter published = new LogCounter(Level.ALL)) {
            Scenario rtl = new Scenario(DEVICE);
            int vpd = rtl.capability(CapabilitySpace.STANDARD, CapId.VPD).offset() + Vpd.ADDR;
            int msi = rtl.capability(CapabilitySpace.STANDARD, CapId.MSI).offset() + Msi.FLAGS;
            Scenario noD1 = new Scenario(NO_D1);
            int pmcsr = noD1.capability(CapabilitySpace.STANDARD, CapId.PM).offset() + Pm.CTRL;
            Scenario af = new Scenario(withoutAfFlr());
            int afControl = af.capability(CapabilitySpace.STANDARD, CapId.AF).offset() + Af.CTRL;
            for (int k = 0; k < REPEATS; k++) {
                // A VPD read of the last bytes of the 15-bit address space: four bytes past the VPD size.
                rtl.guest.write(vpd, 2, Vpd.ADDR_MASK - 2);
                // Multiple Message Enable 7 (128 vectors) on a function with one.
                rtl.guest.write(msi, 2, Msi.FLAGS_QSIZE);
                noD1.guest.write(pmcsr, 2, Pm.STATE_D1);
                af.guest.write(afControl, 1, Af.CTRL_FLR);
            }
            assertTrue(published.counted.keySet().stream().noneMatch(k -> k.startsWith(HANDLERS)),
                    "no handler logs a guest's write itself: " + published.counted);
            assertLimited(rtl, CapId.VPD);
            assertLimited(rtl, CapId.MSI);
            assertLimited(noD1, CapId.PM);
            assertLimited(af, CapId.AF);
            assertEquals(List.of(2 * LOGGED, LOGGED, LOGGED), List.of(rtl.log.messages.size(), noD1.log.messages.size(),
                    af.log.messages.size()), "the core logged nothing else");
        } finally {
            handlers.setLevel(was);
        }
    }

    /**
     * What the core itself carries out for a guest's write and logs is limited as handler reports are:
     * a power-state change or a VPD transfer a read-only backend (the sysfs default) cannot carry out,
     * and D3hot to D0 resetting a function without No_Soft_Reset, each repeated by the guest.
     */
    @Test
    void xsa130_powerStateAndVpdEventsTheCoreCarriesOutAreLimitedLikeReports() {
        RecordingLogger log = new RecordingLogger();
        CoreRuntime rt = Fixtures.runtime(log);
        VirtualDevice readOnly = rt.open(new FaultyDevice(Fixtures.freshAt(DEVICE, 0x30)).readOnly());
        Scenario rtl = new Scenario(DEVICE);
        int pm = rtl.capability(CapabilitySpace.STANDARD, CapId.PM).offset() + Pm.CTRL;
        int vpd = rtl.capability(CapabilitySpace.STANDARD, CapId.VPD).offset() + Vpd.ADDR;
        Scenario softReset = new Scenario(NO_D1);
        int pmcsr = softReset.capability(CapabilitySpace.STANDARD, CapId.PM).offset() + Pm.CTRL;
        for (int k = 0; k < REPEATS; k++) {
            readOnly.write(pm, 2, Pm.STATE_D3HOT);
            readOnly.write(vpd, 2, 0);
            softReset.guest.write(pmcsr, 2, Pm.STATE_D3HOT);
            softReset.guest.write(pmcsr, 2, Pm.STATE_D0);
        }
        assertTrue(log.messages.size() <= 2 * (LOGGED + 1), "read-only backend: " + log.messages.size() + " lines, first "
                + log.messages.stream().limit(2).toList());
        assertTrue(softReset.log.messages.size() <= LOGGED + 1, "D3hot to D0 soft resets: " + softReset.log.messages.size()
                + " lines, first " + softReset.log.messages.stream().limit(2).toList());
        assertEquals(Pm.STATE_D0, softReset.phys.readConfig(pmcsr, 2) & Pm.CTRL_STATE_MASK, "the cycles were carried out");
    }

    /** The capability's reports: the first ones logged by the core, naming device and capability; the rest counted. */
    private static void assertLimited(Scenario s, int id) {
        Capability c = s.capability(CapabilitySpace.STANDARD, id);
        String prefix = s.guest.address() + ": " + c.label() + " (capability id 0x" + Integer.toHexString(id) + "): ";
        assertEquals(LOGGED, s.log.messages.stream().filter(m -> m.contains(prefix)).count(), prefix + s.log.messages);
        VirtualCapabilityDTO dto = Arrays.stream(s.runtime.snapshot().devices[0].capabilities)
                .filter(d -> d.id == id && d.offset == c.offset()).findFirst().orElseThrow();
        assertEquals(REPEATS - LOGGED, dto.suppressedReports, prefix + "the rest are counted");
    }

    /** The 82579 with FLR cleared in its AF Capabilities: Initiate FLR is ignored and reported. */
    private static DeviceImage withoutAfFlr() throws DeviceFileException {
        DeviceImage base = Fixtures.named(AF);
        byte[] config = base.config();
        int cap = new DefaultCapabilityWalker().walk(config).find(CapabilitySpace.STANDARD, CapId.AF).orElseThrow()
                .offset() + Af.CAP;
        ConfigBytes.put(config, cap, 1, ConfigBytes.get(config, cap, 1) & ~Af.CAP_FLR);
        return Fixtures.load(base, config, "AF without FLR");
    }
}
