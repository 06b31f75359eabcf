package org.pciguard.security;

import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.STD_HEADER_SIZEOF;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceFileException;
import org.pciguard.backend.sim.DeviceFiles;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * What every security test builds on beyond {@link Shipped}: the shipped real dumps by name (bridges
 * included), malformed images through the real loader, a runtime with every handler bundle this
 * module depends on and the interrupt router, and readers of the guest's chains.
 */
public final class Fixtures {

    /** The shipped device set (real dumps). */
    private static final SimulatedBackend SHIPPED = SimulatedBackend.shipped();
    /** Bound on a guest chain walk: more steps than capabilities fit, so a loop is caught. */
    private static final int CHAIN_BOUND = 1024;

    private Fixtures() {
    }

    /** Every shipped function, bridges included. */
    public static List<DeviceImage> all() {
        return SHIPPED.devices().stream().map(d -> SHIPPED.image(PciAddress.parse(d.address))).toList();
    }

    /** The shipped image of a dump file name. */
    public static DeviceImage named(String source) {
        return all().stream().filter(i -> i.source().equals(source)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no shipped dump " + source));
    }

    /**
     * The image a device file holding {@code config} (in {@code lspci -xxxx} form) and the shipped
     * dump's {@code lspci -vvv} sibling loads to: malformed bytes go through the real loader, which
     * decides the BARs from the header as it reads it.
     *
     * @throws DeviceFileException when the loader refuses the file
     */
    public static DeviceImage load(DeviceImage base, byte[] config, String what) throws DeviceFileException {
        StringBuilder text = new StringBuilder();
        text.append(base.address().orElse(new PciAddress(0, 0, 0, 0))).append(' ').append(base.description()).append('\n');
        for (int off = 0; off < config.length; off += 16) {
            text.append(String.format(config.length > CFG_SPACE_SIZE ? "%03x:" : "%02x:", off));
            for (int k = 0; k < 16; k++) {
                text.append(String.format(" %02x", config[off + k] & 0xff));
            }
            text.append('\n');
        }
        return DeviceFiles.parse(base.source() + " " + what, text.toString(), sibling(base));
    }

    /** The shipped {@code lspci -vvv} text beside a dump, or null. */
    public static String sibling(DeviceImage base) {
        String name = DeviceFiles.siblingOf(Path.of(base.source())).getFileName().toString();
        try (InputStream in = SimulatedBackend.class.getResourceAsStream("/devices/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh simulated function of a shipped dump at bus {@code bus} (so that several can be open at once). */
    public static SimulatedDevice freshAt(String source, int bus) {
        DeviceImage i = named(source);
        return Shipped.fresh(new DeviceImage(i.source(), new PciAddress(0, bus, 0, 0), i.description(), i.config(), i.bars(),
                i.warnings()));
    }

    /** A fresh simulated function of a shipped dump, sharing no state with any other test. */
    public static SimulatedDevice fresh(String source) {
        return Shipped.fresh(named(source));
    }

    /**
     * A runtime as a host wires it: the default walker, every handler bundle of the build, and
     * interrupts routed through {@code router}; logging to {@code logger}.
     */
    public static CoreRuntime runtime(System.Logger logger, InterruptRouter router) {
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), logger);
        rt.setInterruptRouter(router);
        Handlers.registerAll(rt);
        return rt;
    }

    /** A runtime with every handler and a router delivering to a recording controller, logging to {@code logger}. */
    public static CoreRuntime runtime(System.Logger logger) {
        return runtime(logger, new InterruptRouterImpl(new RecordingInterruptController()));
    }

    /** A runtime with every handler, logging nowhere. */
    public static CoreRuntime runtime() {
        return runtime(new RecordingLogger());
    }

    /** Properties registering a header handler with a ranking. */
    public static Map<String, Object> headerProperties(int ranking) {
        return Map.of(CapabilityHandler.CAPABILITY_ID, HeaderHandler.HEADER_ID,
                CapabilityHandler.CAPABILITY_SPACE, CapabilitySpace.HEADER.property(),
                CoreRuntime.SERVICE_RANKING, ranking);
    }

    /**
     * The guest's standard chain, followed from the Capabilities Pointer: offsets in order.
     *
     * @throws AssertionError when the chain loops, leaves 0x40..0xff or is misaligned
     */
    public static List<Integer> guestStandardChain(VirtualDevice v) {
        List<Integer> chain = new ArrayList<>();
        if ((v.read(STATUS, 2) & Status.CAP_LIST) == 0) {
            if (v.read(CAPABILITY_LIST, 1) != 0) {
                throw new AssertionError(v.address() + ": Capabilities Pointer set without Status.CAP_LIST");
            }
            return chain;
        }
        Set<Integer> seen = new HashSet<>();
        for (int p = v.read(CAPABILITY_LIST, 1); p != 0; p = v.read(p + 1, 1)) {
            if (p < STD_HEADER_SIZEOF || p > CFG_SPACE_SIZE - 2 || (p & 3) != 0 || !seen.add(p)
                    || chain.size() > CHAIN_BOUND) {
                throw new AssertionError(v.address() + ": guest standard chain broken at 0x" + Integer.toHexString(p)
                        + " after " + chain);
            }
            chain.add(p);
        }
        return chain;
    }

    /**
     * The guest's extended chain from 0x100 (empty for a 256-byte space or a zero header; a
     * placeholder with id 0 at 0x100 is skipped).
     *
     * @throws AssertionError when the chain loops or leaves 0x100..0xfff
     */
    public static List<Integer> guestExtendedChain(VirtualDevice v) {
        List<Integer> chain = new ArrayList<>();
        if (v.configSize() <= CFG_SPACE_SIZE) {
            return chain;
        }
        Set<Integer> seen = new HashSet<>();
        int p = CFG_SPACE_SIZE;
        while (p != 0) {
            if (p < CFG_SPACE_SIZE || p > v.configSize() - 4 || (p & 3) != 0 || !seen.add(p)
                    || chain.size() > CHAIN_BOUND) {
                throw new AssertionError(v.address() + ": guest extended chain broken at 0x" + Integer.toHexString(p)
                        + " after " + chain);
            }
            int header = v.read(p, 4);
            if ((header & ExtCapHeader.ID_MASK) != 0 || p != CFG_SPACE_SIZE) {
                chain.add(p);
            }
            p = header >>> ExtCapHeader.NEXT_SHIFT;
        }
        return chain;
    }
}
