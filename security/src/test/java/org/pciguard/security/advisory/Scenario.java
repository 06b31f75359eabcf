package org.pciguard.security.advisory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.irq.recording.RecordingInterruptController.Delivery;
import org.pciguard.security.Fixtures;
import org.pciguard.security.MsixAt;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * One advisory scenario's stage: a fresh simulated function of a real dump, the guest's virtual device
 * on it in a runtime with every handler and the interrupt router delivering to a recording controller,
 * and a recorder of every access that reached the function.
 */
final class Scenario {

    /** One access that reached the device. */
    record Access(boolean write, boolean bar, int barIndex, long offset, int size, long value) {
    }

    final SimulatedDevice phys;
    final VirtualDevice guest;
    final CoreRuntime runtime;
    final RecordingLogger log = new RecordingLogger();
    final RecordingInterruptController controller = new RecordingInterruptController();
    final InterruptRouterImpl router = new InterruptRouterImpl(controller);
    final List<Access> reached = Collections.synchronizedList(new ArrayList<>());
    final DeviceImage image;

    Scenario(String dump) {
        this(Fixtures.named(dump));
    }

    Scenario(DeviceImage image) {
        this.image = image;
        phys = Shipped.fresh(image);
        runtime = Fixtures.runtime(log, router);
        guest = runtime.open(phys);
        phys.addAccessListener(new AccessListener() {
            @Override
            public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
                reached.add(new Access(write, false, -1, offset, size, value));
            }

            @Override
            public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
                reached.add(new Access(write, true, bar, offset, size, value));
            }
        });
    }

    /** The first capability of this space and id on the function. */
    Capability capability(CapabilitySpace space, int id) {
        return new DefaultCapabilityWalker().walk(image.config()).find(space, id)
                .orElseThrow(() -> new AssertionError(image.source() + " has no capability 0x" + Integer.toHexString(id)));
    }

    /** The function's MSI-X table and PBA. */
    MsixAt msix() {
        return MsixAt.of(image);
    }

    /** The guest's view of every dword of the emulated table, then the PBA's QWORDs. */
    long[] msixView(MsixAt m) {
        int dwords = m.entries() * Msix.ENTRY_SIZE / Integer.BYTES;
        long[] v = new long[dwords + (int) (m.pbaLength() / Long.BYTES)];
        for (int k = 0; k < dwords; k++) {
            v[k] = guest.barRead(m.tableBar(), m.tableOffset() + (long) k * Integer.BYTES, Integer.BYTES);
        }
        for (int k = dwords; k < v.length; k++) {
            v[k] = guest.barRead(m.pbaBar(), m.pbaOffset() + (long) (k - dwords) * Long.BYTES, Long.BYTES);
        }
        return v;
    }

    /** What reached the guest's interrupt controller since the last call, without the source address. */
    List<Delivery> delivered() {
        List<Delivery> d = controller.deliveries().stream()
                .map(x -> new Delivery(null, x.kind(), x.address(), x.data(), x.asserted())).toList();
        controller.clear();
        return d;
    }

    /** A message as {@link #delivered()} reports it. */
    static Delivery message(InterruptKind kind, long address, int data) {
        return new Delivery(null, kind, address, data, true);
    }

    /** The routes the router holds now for this function. */
    List<RouteDTO> routes() {
        String me = phys.address().toString();
        return Arrays.stream(router.snapshot()).filter(r -> r.device.equals(me)).toList();
    }

    /** The kinds of interrupt ({@code intx}, {@code msi}, {@code msix}) the router would deliver now. */
    Set<String> enabledKinds() {
        return routes().stream().filter(r -> r.enabled).map(r -> r.source).collect(Collectors.toCollection(TreeSet::new));
    }

    /** A route as text, every field: routes compare by it. */
    static String render(RouteDTO r) {
        return String.format("%s %s %d addr=0x%x data=0x%x enabled=%b masked=%b pending=%b delivered=%d held=%d", r.device,
                r.source, r.index, r.address, r.data, r.enabled, r.masked, r.pending, r.delivered, r.held);
    }

    /** Programs MSI-X table entry {@code e} as a driver does: address by QWORD, data, then Vector Control. */
    void programEntry(MsixAt m, int e, long address, int data, boolean masked) {
        programEntry(guest, m, e, address, data, masked);
    }

    /** Programs MSI-X table entry {@code e} of {@code v}; see {@link #programEntry(MsixAt, int, long, int, boolean)}. */
    static void programEntry(VirtualDevice v, MsixAt m, int e, long address, int data, boolean masked) {
        v.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_LOWER_ADDR), Long.BYTES, address);
        v.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_DATA), Integer.BYTES, data);
        v.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_VECTOR_CTRL), Integer.BYTES, masked ? Msix.ENTRY_CTRL_MASKBIT : 0);
    }

    /** Accesses to BAR space that reached the device. */
    long barAccesses() {
        return reached.stream().filter(Access::bar).count();
    }

    /** Config writes that reached the device and touched byte {@code offset}. */
    List<Access> configWritesTouching(int offset) {
        return reached.stream().filter(a -> a.write() && !a.bar() && a.offset() <= offset && offset < a.offset() + a.size())
                .toList();
    }

    /** The device's config space as bytes, read around the virtualizer. */
    byte[] device() {
        byte[] b = new byte[phys.configSize()];
        for (int off = 0; off < b.length; off += 4) {
            int v = phys.readConfig(off, 4);
            for (int k = 0; k < 4; k++) {
                b[off + k] = (byte) (v >>> (8 * k));
            }
        }
        reached.clear();
        return b;
    }
}
