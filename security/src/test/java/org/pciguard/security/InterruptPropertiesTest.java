package org.pciguard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * Properties of the interrupt and power handlers (MSI, MSI-X, PM, PCI Express) over every shipped
 * type-0 dump that has MSI or MSI-X, with the interrupt router and random sequences of guest writes
 * and reads aimed at those capabilities, guest accesses to the emulated MSI-X table and PBA and the
 * bytes around them, interrupts the function raises and the host's EOIs (SECURITY.md R8, R9, R14):
 * the guest's MSI and MSI-X programming never reaches the device's capability registers nor its
 * MSI-X table or PBA in BAR memory; and hot swaps of those four handlers change nothing the guest,
 * the device or the router can tell, deliveries included.
 */
class InterruptPropertiesTest {

    private static final int TRIES = 300;
    /** Bytes around the table and the PBA that accesses are also aimed at. */
    private static final int AROUND = 16;

    /** Entries and vectors the targeted steps aim at: the first few, so that programming and raising meet. */
    private static final int FEW = 4;

    /**
     * What a step aims at: any register of a capability, any offset of the table or PBA (and around
     * them); or, as a driver does, MSI or MSI-X Enable, an entry's Vector Control; or an event.
     */
    enum Target { PM, MSI, MSIX, EXP, TABLE, PBA, MSI_ON, MSIX_ON, UNMASK, RAISE_INTX, RAISE_MSI, RAISE_MSIX, EOI }

    /** One step: a guest access aimed at a target (offset and width folded into it), or an interrupt event. */
    record Step(Target target, int offset, int size, long value, boolean write) {

        /** The source an event or an unmask aims at: mostly the first, which every function with the kind has. */
        int source() {
            return size < Long.BYTES ? 0 : offset % FEW;
        }
    }

    /** The targets of one function: its capabilities and MSI-X structures. */
    record Targets(Map<Target, Capability> caps, MsixAt msix) {

        static Targets of(DeviceImage image) {
            CapabilityMap map = new DefaultCapabilityWalker().walk(image.config());
            Map<Target, Capability> caps = new HashMap<>();
            put(caps, Target.PM, map.find(CapabilitySpace.STANDARD, CapId.PM));
            put(caps, Target.MSI, map.find(CapabilitySpace.STANDARD, CapId.MSI));
            put(caps, Target.MSIX, map.find(CapabilitySpace.STANDARD, CapId.MSIX));
            put(caps, Target.EXP, map.find(CapabilitySpace.STANDARD, CapId.EXP));
            return new Targets(caps, caps.containsKey(Target.MSIX) ? MsixAt.of(image) : null);
        }

        private static void put(Map<Target, Capability> caps, Target t, Optional<Capability> c) {
            c.ifPresent(cap -> caps.put(t, cap));
        }
    }

    @Provide
    Arbitrary<String> interruptDumps() {
        return Arbitraries.of(Shipped.type0().filter(i -> {
            Targets t = Targets.of(i);
            return t.caps().containsKey(Target.MSI) || t.caps().containsKey(Target.MSIX);
        }).map(DeviceImage::source).toList());
    }

    @Provide
    Arbitrary<String> msixDumps() {
        return Arbitraries.of(Shipped.type0().filter(i -> Targets.of(i).msix() != null)
                .map(DeviceImage::source).toList());
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Target> targets = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Target.PM)),
                Tuple.of(4, Arbitraries.just(Target.MSI)), Tuple.of(4, Arbitraries.just(Target.MSIX)),
                Tuple.of(1, Arbitraries.just(Target.EXP)), Tuple.of(6, Arbitraries.just(Target.TABLE)),
                Tuple.of(2, Arbitraries.just(Target.PBA)), Tuple.of(2, Arbitraries.just(Target.MSI_ON)),
                Tuple.of(4, Arbitraries.just(Target.MSIX_ON)), Tuple.of(6, Arbitraries.just(Target.UNMASK)),
                Tuple.of(2, Arbitraries.just(Target.RAISE_INTX)), Tuple.of(3, Arbitraries.just(Target.RAISE_MSI)),
                Tuple.of(5, Arbitraries.just(Target.RAISE_MSIX)), Tuple.of(2, Arbitraries.just(Target.EOI)));
        Arbitrary<Long> values = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(-1L)),
                Tuple.of(2, Arbitraries.just(0L)), Tuple.of(1, Arbitraries.just(1L)), Tuple.of(5, Arbitraries.longs()));
        return Combinators.combine(targets, Arbitraries.integers().between(0, 1 << 16), Arbitraries.of(1, 2, 4, 8),
                values, Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false))).as(Step::new)
                .list().ofMinSize(5).ofMaxSize(60);
    }

    /**
     * Runs one step as the guest, the function or the host would. Returns what a read gave, -1 for a
     * write or an event, -2 for a refusal (which must name the device).
     */
    private static long run(Step st, Targets t, VirtualDevice v, SimulatedDevice phys, InterruptRouterImpl router) {
        try {
            switch (st.target()) {
                case RAISE_INTX, RAISE_MSI, RAISE_MSIX -> {
                    InterruptKind kind = st.target() == Target.RAISE_INTX ? InterruptKind.INTX
                            : st.target() == Target.RAISE_MSI ? InterruptKind.MSI : InterruptKind.MSIX;
                    phys.raiseInterrupt(kind, kind == InterruptKind.INTX ? 0 : st.source());
                    return -1;
                }
                case MSI_ON -> {
                    Capability c = t.caps().get(Target.MSI);
                    if (c != null) {
                        v.write(c.offset() + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | (int) st.value() & Msi.FLAGS_QSIZE);
                    }
                    return -1;
                }
                case MSIX_ON -> {
                    if (t.msix() != null) {
                        v.write(t.msix().control(), 2, Msix.FLAGS_ENABLE | (st.value() % 4 == 0 ? Msix.FLAGS_MASKALL : 0));
                    }
                    return -1;
                }
                case UNMASK -> {
                    if (t.msix() != null) {
                        MsixAt m = t.msix();
                        long ctrl = m.entry(st.source() % m.entries(), Msix.ENTRY_VECTOR_CTRL);
                        v.barWrite(m.tableBar(), ctrl, 4, st.value() % 4 == 0 ? Msix.ENTRY_CTRL_MASKBIT : 0);
                    }
                    return -1;
                }
                case EOI -> {
                    router.eoi(phys.address());
                    return -1;
                }
                case TABLE, PBA -> {
                    if (t.msix() == null) {
                        return -1;
                    }
                    boolean table = st.target() == Target.TABLE;
                    MsixAt m = t.msix();
                    long start = table ? m.tableOffset() : m.pbaOffset();
                    long length = table ? m.tableEnd() - m.tableOffset() : m.pbaLength();
                    long off = Math.max(0, start - AROUND + st.offset() % (length + 2 * AROUND)) & -st.size();
                    int bar = table ? m.tableBar() : m.pbaBar();
                    if (st.write()) {
                        v.barWrite(bar, off, st.size(), st.value());
                        return -1;
                    }
                    return v.barRead(bar, off, st.size());
                }
                default -> {
                    Capability c = t.caps().get(st.target());
                    if (c == null) {
                        return -1;
                    }
                    int size = Math.min(st.size(), 4);
                    int off = (c.offset() + st.offset() % c.length()) & -size;
                    if (st.write()) {
                        v.write(off, size, (int) st.value());
                        return -1;
                    }
                    return v.read(off, size) & 0xffffffffL;
                }
            }
        } catch (PciAccessException e) {
            if (!e.getMessage().startsWith(v.address().toString())) {
                fail("refusal without the device: " + e.getMessage());
            }
            return -2;
        }
    }

    /** The device's config bytes of a capability. */
    private static byte[] deviceBytes(SimulatedDevice phys, Capability c) {
        byte[] b = new byte[c.length()];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) phys.readConfig(c.offset() + k, 1);
        }
        return b;
    }

    /**
     * The device's own MSI-X table and PBA in BAR memory, read around the virtualizer (nothing of a
     * structure outside every implemented BAR: the handler hides such a capability as an anomaly).
     */
    private static long[] deviceTable(SimulatedDevice phys, MsixAt m) {
        List<Long> v = new ArrayList<>();
        readBar(phys, m.tableBar(), m.tableOffset(), m.tableEnd(), v);
        readBar(phys, m.pbaBar(), m.pbaOffset(), m.pbaOffset() + m.pbaLength(), v);
        return v.stream().mapToLong(Long::longValue).toArray();
    }

    private static void readBar(SimulatedDevice phys, int bar, long from, long to, List<Long> into) {
        boolean inside = phys.bars().stream().anyMatch(b -> b.index() == bar && to <= b.size());
        for (long off = from; inside && off < to; off += Long.BYTES) {
            into.add(phys.readBar(bar, off, Long.BYTES));
        }
    }

    @Property(tries = TRIES)
    void guestMsixProgrammingNeverReachesTheDevicesCapabilityNorItsTable(@ForAll("msixDumps") String dump,
            @ForAll("steps") List<Step> steps) {
        DeviceImage image = Fixtures.named(dump);
        Targets t = Targets.of(image);
        MsixAt m = t.msix();
        SimulatedDevice phys = Shipped.fresh(image);
        InterruptRouterImpl router = new InterruptRouterImpl(new RecordingInterruptController());
        VirtualDevice v = Fixtures.runtime(new RecordingLogger(), router).open(phys);
        v.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
        Capability msix = t.caps().get(Target.MSIX);
        byte[] capability = deviceBytes(phys, msix);
        long[] table = deviceTable(phys, m);
        List<String> reached = new ArrayList<>();
        phys.addAccessListener(new AccessListener() {
            @Override
            public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
                if (write && offset < msix.end() && offset + size > msix.offset()) {
                    reached.add(String.format("config write 0x%x at 0x%x", value, offset));
                }
            }

            @Override
            public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
                if (m.touches(bar, offset, size)) {
                    reached.add(String.format("BAR %d %s of %d bytes at 0x%x", bar, write ? "write" : "read", size, offset));
                }
            }
        });
        for (Step st : steps) {
            run(st, t, v, phys, router);
            assertTrue(reached.isEmpty(), dump + ": " + st + " reached the device's MSI-X structures: " + reached);
        }
        assertEquals(Arrays.toString(capability), Arrays.toString(deviceBytes(phys, msix)),
                dump + ": the device's MSI-X capability");
        assertEquals(Arrays.toString(table), Arrays.toString(deviceTable(phys, m)), dump + ": the device's table and PBA");
    }

    @Property(tries = TRIES)
    void theStateAfterHotSwapsOfTheInterruptAndPowerHandlersEqualsTheStateWithout(
            @ForAll("interruptDumps") String dump, @ForAll("steps") List<Step> steps,
            @ForAll @Size(max = 8) List<@IntRange(max = 60) Integer> swaps) {
        DeviceImage image = Fixtures.named(dump);
        Targets t = Targets.of(image);
        RecordingInterruptController plainController = new RecordingInterruptController();
        RecordingInterruptController swappedController = new RecordingInterruptController();
        InterruptRouterImpl plainRouter = new InterruptRouterImpl(plainController);
        InterruptRouterImpl swappedRouter = new InterruptRouterImpl(swappedController);
        SimulatedDevice plainPhys = Shipped.fresh(image);
        SimulatedDevice swappedPhys = Shipped.fresh(image);
        VirtualDevice plain = Fixtures.runtime(new RecordingLogger(), plainRouter).open(plainPhys);
        CoreRuntime rt = Fixtures.runtime(new RecordingLogger(), swappedRouter);
        VirtualDevice swapped = rt.open(swappedPhys);
        List<Handlers.Registered> second = Handlers.all().stream().filter(r -> r.space() == CapabilitySpace.STANDARD
                && (r.id() == CapId.PM || r.id() == CapId.MSI || r.id() == CapId.MSIX || r.id() == CapId.EXP)).toList();
        assertEquals(4, second.size(), "PM, MSI, MSI-X and PCI Express handlers");
        HandlerSwap swap = new HandlerSwap(rt, second);
        for (VirtualDevice v : List.of(plain, swapped)) {
            v.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
        }
        for (int k = 0; k < steps.size(); k++) {
            if (swaps.contains(k)) {
                swap.toggle();
            }
            Step st = steps.get(k);
            assertEquals(run(st, t, plain, plainPhys, plainRouter), run(st, t, swapped, swappedPhys, swappedRouter),
                    dump + ": " + st + " after swaps at " + swaps);
            assertEquals(plainController.deliveries(), swappedController.deliveries(), dump + ": deliveries after " + st);
        }
        for (int off = 0; off < plain.configSize(); off += 4) {
            assertEquals(plain.read(off, 4), swapped.read(off, 4), dump + ": guest view at 0x" + Integer.toHexString(off));
            assertEquals(plainPhys.readConfig(off, 4), swappedPhys.readConfig(off, 4),
                    dump + ": device at 0x" + Integer.toHexString(off));
        }
        assertEquals(routes(plainRouter), routes(swappedRouter), dump + ": the router's routes");
        if (t.msix() != null) {
            MsixAt m = t.msix();
            for (long off = m.tableOffset(); off < m.tableEnd(); off += Long.BYTES) {
                assertEquals(read(plain, m.tableBar(), off), read(swapped, m.tableBar(), off),
                        dump + ": guest's table at 0x" + Long.toHexString(off));
            }
            assertEquals(read(plain, m.pbaBar(), m.pbaOffset()), read(swapped, m.pbaBar(), m.pbaOffset()), dump + ": PBA");
        }
    }

    private static List<String> routes(InterruptRouterImpl router) {
        return Arrays.stream(router.snapshot()).map(r -> String.format("%s %d addr=0x%x data=0x%x %b %b %b %d %d",
                r.source, r.index, r.address, r.data, r.enabled, r.masked, r.pending, r.delivered, r.held)).toList();
    }

    private static long read(VirtualDevice v, int bar, long off) {
        try {
            return v.barRead(bar, off, Long.BYTES);
        } catch (PciAccessException refused) {
            return -2;
        }
    }
}
