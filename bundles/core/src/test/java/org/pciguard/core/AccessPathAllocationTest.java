package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The guest access path allocates nothing: no boxing, no iterators, no strings except on errors. */
class AccessPathAllocationTest {

    private static final int ROUNDS = 50_000;
    /** Far below one small object per access (10 accesses a round); room for the measurement's own noise. */
    private static final long BUDGET_BYTES = 64 * 1024;

    /** A header handler whose hooks allocate nothing (as a real one must not on the common path). */
    static final class QuietHeader implements CapabilityHandler {
        @Override
        public PermissionTable permissions(HandlerContext context) {
            return FakeHeader.table();
        }
    }

    /** A header handler reporting every guest write of Command, with a message that allocates nothing to pass. */
    static final class ReportingHeader implements CapabilityHandler {
        private static final Supplier<String> WROTE_COMMAND = () -> "2-byte write at 0x" + Integer.toHexString(COMMAND);

        @Override
        public PermissionTable permissions(HandlerContext context) {
            return FakeHeader.table();
        }

        @Override
        public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
            context.report(Level.WARNING, WROTE_COMMAND);
            return NONE;
        }
    }

    private static com.sun.management.ThreadMXBean threads() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "this JVM cannot measure a thread's allocations");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "thread allocation accounting is off in this JVM");
        return threads;
    }

    @Test
    void guestConfigAndBarAccessesDoNotAllocate() throws Exception {
        com.sun.management.ThreadMXBean threads = threads();
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), new RecordingLogger());
        rt.addHandler(new QuietHeader(), HandlerProperties.of(CapabilitySpace.HEADER, 0));
        VirtualDevice v = rt.open(SimDevicesTest.sim(SimDevicesTest.I82576));
        v.write(COMMAND, 2, 0);

        long sum = run(v);   // warm up: class loading, JIT
        long before = threads.getCurrentThreadAllocatedBytes();
        sum += run(v);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(2L * ROUNDS * 0xffffffffL, sum, "the refused BAR reads returned all ones");
        assertTrue(allocated < BUDGET_BYTES, ROUNDS * 10 + " accesses allocated " + allocated + " bytes");
        assertEquals(2L * ROUNDS * 2, rt.snapshot().devices[0].deniedWrites);
    }

    /**
     * A report the limit suppresses is only counted. Measured over the 999 suppressed reports between
     * two logged ones, fifty times; the logged lines (building their strings) are outside the measure.
     */
    @Test
    void suppressedHandlerReportsDoNotAllocate() throws Exception {
        com.sun.management.ThreadMXBean threads = threads();
        RecordingLogger log = new RecordingLogger();
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), log);
        rt.addHandler(new ReportingHeader(), HandlerProperties.of(CapabilitySpace.HEADER, 0));
        VirtualDevice v = rt.open(SimDevicesTest.sim(SimDevicesTest.I82576));
        int warmUp = 10 + ROUNDS;     // ends on a logged report (the 10th, then every 1,000th)
        int chunks = 50;
        for (int i = 0; i < warmUp; i++) {
            v.write(COMMAND, 2, Command.MASTER);
        }
        long allocated = 0;
        for (int chunk = 0; chunk < chunks; chunk++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 999; i++) {
                v.write(COMMAND, 2, Command.MASTER);
            }
            allocated += threads.getCurrentThreadAllocatedBytes() - before;
            v.write(COMMAND, 2, Command.MASTER);     // logged
        }
        int logged = 10 + ROUNDS / 1000 + chunks;
        assertEquals(logged, log.messages.size());
        assertEquals(warmUp + chunks * 1000L - logged, rt.snapshot().devices[0].capabilities[0].suppressedReports);
        assertTrue(allocated < BUDGET_BYTES, chunks * 999 + " suppressed reports allocated " + allocated + " bytes");
    }

    private static long run(VirtualDevice v) {
        long refused = 0;
        for (int i = 0; i < ROUNDS; i++) {
            v.read(BASE_ADDRESS_0, 4);                 // virtual: the shadow, no lock
            v.read(CAPABILITY_LIST, 1);                // forced virtual: the chain
            v.read(VENDOR_ID, 4);                      // pass-through: one device read
            v.read(COMMAND, 2);                        // mixed: shadow and device
            v.write(BASE_ADDRESS_0, 4, i);             // virtual write
            v.write(COMMAND, 2, Command.MASTER);       // read-modify-write of the device, then the hook
            v.write(VENDOR_ID, 2, i);                  // denied: no writable bit
            v.write(0xf0, 4, i);                       // denied: outside every capability
            refused += v.barRead(0, 0, 4);             // refused: the guest's decode is off
            v.barWrite(0, 0, 4, i);                    // refused
        }
        return refused;
    }
}
