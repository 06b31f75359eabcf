package org.pciguard.security.advisory;

import java.util.ArrayList;
import java.util.List;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.security.Fixtures;
import org.pciguard.security.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * One advisory scenario's stage: a fresh simulated function of a real dump, the guest's virtual device
 * on it in a runtime with every handler, and a recorder of every access that reached the function.
 */
final class Scenario {

    /** One access that reached the device. */
    record Access(boolean write, boolean bar, int barIndex, long offset, int size, long value) {
    }

    final SimulatedDevice phys;
    final VirtualDevice guest;
    final CoreRuntime runtime;
    final RecordingLogger log = new RecordingLogger();
    final List<Access> reached = new ArrayList<>();
    final DeviceImage image;

    Scenario(String dump) {
        this(Fixtures.named(dump));
    }

    Scenario(DeviceImage image) {
        this.image = image;
        phys = Fixtures.fresh(image);
        runtime = Fixtures.runtime(log);
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
