package org.pciguard.security.advisory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.irq.recording.RecordingInterruptController.Delivery;
import org.pciguard.security.Bytes;
import org.pciguard.security.Fixtures;
import org.pciguard.security.RecordingLogger;
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

    /**
     * Where the function's MSI-X table and PBA lie, from its capability (PCI 3.0, 6.8.2.4 and 6.8.2.5).
     *
     * @param control  absolute config offset of Message Control
     * @param entries  table size
     */
    record MsixAt(int control, int entries, int tableBar, long tableOffset, int pbaBar, long pbaOffset) {

        /** BAR offset of {@code field} of table entry {@code entry}. */
        long entry(int entry, int field) {
            return tableOffset + (long) entry * Msix.ENTRY_SIZE + field;
        }

        long tableEnd() {
            return entry(entries, 0);
        }

        /** Bytes of the PBA: one bit per entry, in QWORDs. */
        long pbaLength() {
            return (entries + Long.SIZE - 1) / Long.SIZE * Long.BYTES;
        }

        /** Whether {@code [offset, offset + size)} of BAR {@code bar} touches the table or the PBA. */
        boolean touches(int bar, long offset, int size) {
            return bar == tableBar && offset < tableEnd() && offset + size > tableOffset
                    || bar == pbaBar && offset < pbaOffset + pbaLength() && offset + size > pbaOffset;
        }
    }

    final SimulatedDevice phys;
    final VirtualDevice guest;
    final CoreRuntime runtime;
    final RecordingLogger log = new RecordingLogger();
    final RecordingInterruptController controller = new RecordingInterruptController();
    final InterruptRouter router = new InterruptRouterImpl(controller);
    final List<Access> reached = new ArrayList<>();
    final DeviceImage image;

    Scenario(String dump) {
        this(Fixtures.named(dump));
    }

    Scenario(DeviceImage image) {
        this.image = image;
        phys = Fixtures.fresh(image);
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
        Capability c = capability(CapabilitySpace.STANDARD, CapId.MSIX);
        byte[] config = image.config();
        int table = Bytes.get(config, c.offset() + Msix.TABLE, 4);
        int pba = Bytes.get(config, c.offset() + Msix.PBA, 4);
        return new MsixAt(c.offset() + Msix.FLAGS, (Bytes.get(config, c.offset() + Msix.FLAGS, 2) & Msix.FLAGS_QSIZE) + 1,
                table & Msix.TABLE_BIR, Integer.toUnsignedLong(table & Msix.TABLE_OFFSET), pba & Msix.PBA_BIR,
                Integer.toUnsignedLong(pba & Msix.PBA_OFFSET));
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

    /** The enabled routes the router holds now, of every device. */
    List<RouteDTO> enabledRoutes() {
        return Arrays.stream(router.snapshot()).filter(r -> r.enabled).toList();
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
