package org.pciguard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.CACHE_LINE_SIZE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.LATENCY_TIMER;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;

/**
 * Load (SECURITY.md R14): several vCPU threads per device and several devices, with handler swaps and
 * resets in the middle. Each writer owns a register and checks every write against a model (its own
 * last value, or the open-time value when a reset overlapped, told by a sequence counter around each
 * reset); two writers share the upper half of a 64-bit BAR with values whose four bytes are equal,
 * and a reader checks no read is torn. Everything finishes within a bound, or the test fails with the
 * threads' stacks (a deadlock).
 */
class LoadTest {

    private static final List<String> DEVICES = List.of("10de-24a0-ga104-rtx3070ti.lspci",
            "8086-10c9-82576-gbe-sriov.lspci", "15b3-1007-connectx3-pro.lspci", "2646-5013-kc3000-nvme.lspci");
    private static final int ITERATIONS = 20_000;
    private static final long BOUND_SECONDS = 60;
    private static final int BYTE = 0xff;
    private static final int REPLICATE = 0x01010101;

    /** One device under load: its seqlock of resets (odd while a reset runs) and the register ownership. */
    private static final class Target {
        final VirtualDevice v;
        final SimulatedDevice phys;
        final AtomicLong resets = new AtomicLong();
        /** Writers still running: resets go on until they are done. */
        final AtomicInteger writers = new AtomicInteger();

        Target(VirtualDevice v, SimulatedDevice phys) {
            this.v = v;
            this.phys = phys;
        }
    }

    /** A register owned by one writer, with the bits the guest may change in it. */
    private record Owned(int offset, int size, int writable, boolean device) {
    }

    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    @Test
    void vcpusOnManyDevicesWithHandlerSwapsAndResetsLoseNoWriteTearNoValueAndFinish() throws Exception {
        CoreRuntime rt = Fixtures.runtime();
        List<Target> targets = new ArrayList<>();
        int bus = 0x50;
        for (String source : DEVICES) {
            SimulatedDevice phys = Fixtures.freshAt(source, bus++);
            targets.add(new Target(rt.open(phys), phys));
        }
        List<Runnable> work = new ArrayList<>();
        long torn = 0;
        for (Target t : targets) {
            for (Owned o : owned(t)) {
                t.writers.incrementAndGet();
                work.add(() -> {
                    try {
                        writer(t, o);
                    } finally {
                        t.writers.decrementAndGet();
                    }
                });
            }
            BarInfo wide = t.phys.bars().stream().filter(b -> b.kind() == BarKind.MEMORY64 && b.size() <= 1L << 32)
                    .findFirst().orElse(null);
            if (wide != null) {
                int upper = BASE_ADDRESS_0 + 4 * wide.index() + 4;
                work.add(() -> sharer(t, upper, 1));
                work.add(() -> sharer(t, upper, 2));
                work.add(() -> tornReader(t, upper));
                torn++;
            }
            work.add(() -> resetter(t));
        }
        assertTrue(torn > 0, "a device with a 64-bit BAR is under load");
        HeaderHandler swapped = new HeaderHandler();
        Map<String, Object> higher = Fixtures.headerProperties(10);
        AtomicLong swaps = new AtomicLong();
        Thread swapper = new Thread(() -> {
            while (!stop.get()) {
                rt.addHandler(swapped, higher);
                rt.removeHandler(swapped, higher);
                swaps.incrementAndGet();
            }
        }, "swapper");

        CountDownLatch done = new CountDownLatch(work.size());
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < work.size(); k++) {
            Runnable r = work.get(k);
            threads.add(new Thread(() -> {
                try {
                    r.run();
                } catch (RuntimeException | AssertionError e) {
                    errors.add(Thread.currentThread().getName() + ": " + e);
                } finally {
                    done.countDown();
                }
            }, "vcpu-" + k));
        }
        swapper.start();
        threads.forEach(Thread::start);
        boolean finished = done.await(BOUND_SECONDS, TimeUnit.SECONDS);
        stop.set(true);
        if (!finished) {
            StringBuilder dump = new StringBuilder();
            for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                dump.append(info);
            }
            fail("not finished within " + BOUND_SECONDS + " s (deadlock?):\n" + dump);
        }
        swapper.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
        assertFalse(swapper.isAlive(), "the swapper finished");
        assertTrue(errors.isEmpty(), errors.size() + " model violations, first: " + errors.peek());
        for (VirtualDeviceDTO d : rt.snapshot().devices) {
            assertFalse(d.failed, d.address + " " + d.failure);
            for (VirtualCapabilityDTO c : d.capabilities) {
                assertFalse(c.quarantined, d.address + " " + c.name + ": " + c.quarantineReason);
            }
        }
        for (Target t : targets) {
            assertTrue(t.resets.get() > 2, t.v.address() + " was reset under load");
        }
        assertTrue(swaps.get() > 0, "handlers were swapped under load");
    }

    /** The registers one writer each owns on a device: those the guest can change there. */
    private static List<Owned> owned(Target t) {
        List<Owned> owned = new ArrayList<>();
        owned.add(new Owned(INTERRUPT_LINE, 1, BYTE, false));
        for (int reg : new int[] {CACHE_LINE_SIZE, LATENCY_TIMER}) {
            int before = t.v.read(reg, 1);
            t.v.write(reg, 1, ~before & BYTE);
            int writable = (t.v.read(reg, 1) ^ before) & BYTE;
            t.v.write(reg, 1, before);
            if (writable != 0) {
                owned.add(new Owned(reg, 1, writable, true));
            }
        }
        BarInfo first = t.phys.bars().get(0);
        if (first.index() < BarInfo.ROM_INDEX) {
            owned.add(new Owned(BASE_ADDRESS_0 + 4 * first.index(), 4, (int) ~(first.size() - 1)
                    & (first.kind() == BarKind.IO ? ~0x3 : ~0xf), false));
        }
        return owned;
    }

    private void writer(Target t, Owned o) {
        Random random = new Random(o.offset() * 31L + t.v.address().hashCode());
        int mask = o.size() == 4 ? -1 : (1 << (8 * o.size())) - 1;
        int last = -1;
        long lastEpoch = -1;
        long start = t.resets.get();
        // At least ITERATIONS writes, and on until two resets overlapped this writer's run (bounded).
        for (int k = 0; k < ITERATIONS || t.resets.get() - start < 4 && k < 50 * ITERATIONS; k++) {
            int value = random.nextInt() & mask;
            long e1 = t.resets.get();
            t.v.write(o.offset(), o.size(), value);
            int read = t.v.read(o.offset(), o.size()) & o.writable();
            long e2 = t.resets.get();
            if (e1 == e2 && (e1 & 1) == 0) {
                if (read != (value & o.writable())) {
                    errors.add(t.v.address() + " 0x" + Integer.toHexString(o.offset()) + ": wrote 0x"
                            + Integer.toHexString(value) + ", read back 0x" + Integer.toHexString(read));
                    return;
                }
                if (o.device() && (t.phys.readConfig(o.offset(), o.size()) & o.writable()) != (value & o.writable())
                        && t.resets.get() == e1) {
                    errors.add(t.v.address() + " 0x" + Integer.toHexString(o.offset()) + ": the device lost 0x"
                            + Integer.toHexString(value));
                    return;
                }
            }
            last = value;
            lastEpoch = e1;
        }
        // Only a last write no reset overlapped must have stuck: with an odd epoch a reset was under way and may
        // have wiped it (the resetter can still be mid-reset when this writer ends).
        if ((lastEpoch & 1) == 0 && lastEpoch == t.resets.get()
                && (t.v.read(o.offset(), o.size()) & o.writable()) != (last & o.writable())) {
            errors.add(t.v.address() + " 0x" + Integer.toHexString(o.offset()) + ": the last write was lost");
        }
    }

    private void sharer(Target t, int offset, int seed) {
        Random random = new Random(seed);
        for (int k = 0; k < ITERATIONS; k++) {
            t.v.write(offset, 4, (random.nextInt() & BYTE) * REPLICATE);
        }
    }

    private void tornReader(Target t, int offset) {
        for (int k = 0; k < 2 * ITERATIONS; k++) {
            int v = t.v.read(offset, 4);
            if (v != (v & BYTE) * REPLICATE) {
                errors.add(t.v.address() + " 0x" + Integer.toHexString(offset) + ": torn read 0x" + Integer.toHexString(v));
                return;
            }
        }
    }

    private void resetter(Target t) {
        ResetKind kind = t.phys.resets().iterator().next();
        while (t.writers.get() > 0) {
            t.resets.incrementAndGet();
            try {
                t.v.reset(kind);
            } finally {
                t.resets.incrementAndGet();
            }
            Thread.onSpinWait();
        }
        assertEquals(0, t.resets.get() & 1);
    }
}
