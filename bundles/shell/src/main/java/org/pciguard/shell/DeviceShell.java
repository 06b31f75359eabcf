package org.pciguard.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.irq.GuestInterruptController;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.VirtualizationRuntime;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.irq.recording.RecordingInterruptController;

/**
 * The device commands, free of OSGi: {@link DeviceCommands} runs them in the shell, tests construct
 * them directly. A DEVICE argument is a device file, the name of a device of the simulated backend
 * (both loaded afresh for each command, as the command line does), or the address of a backend's
 * function. Functions that {@code read} and {@code write} open by address stay open as virtual
 * devices until {@code close}, or until the shell stops.
 */
final class DeviceShell implements AutoCloseable {

    /** The simulated backend's name, whose device files a DEVICE may name. */
    static final String SIM = "sim";
    private static final String LIST_LINE = "%s %04x:%04x class=%06x type=%d cfg=%d%s %s [%s]%n";
    private static final String BUNDLE_PREFIX = "org.pciguard.";
    /** {@code --permissive}: vfio's raw access to bytes outside every capability and of hidden ones. */
    private static final DeviceOptions PERMISSIVE = new DeviceOptions(true, Set.of(), Set.of());

    private final CapabilityWalker walker;
    private final VirtualizationRuntime runtime;
    private final Supplier<List<PciBackend>> backends;
    private final Supplier<InterruptRouter> router;
    private final Controllers controllers;
    private final String defaultBackend;
    /** The functions this shell opened, by address. Guarded by itself. */
    private final Map<PciAddress, Opened> opened = new TreeMap<>();

    /** Registers the guest interrupt controller a replay prints through, above every other; runs to unregister it. */
    @FunctionalInterface
    interface Controllers {
        Runnable register(GuestInterruptController controller);
    }

    /** A function just opened, and the backend that opened it. */
    private record Opening(PciBackend backend, PhysicalDevice device) {
    }

    /** A function this shell opened for {@code read} and {@code write}. */
    private record Opened(PhysicalDevice device, VirtualDevice guest) {
    }

    /**
     * @param backends       the backend services present now
     * @param router         the interrupt router, or null while none runs
     * @param controllers    where a replay registers the controller that prints the guest's interrupts
     * @param defaultBackend the backend {@code list} shows and addresses are looked up in first
     */
    DeviceShell(CapabilityWalker walker, VirtualizationRuntime runtime, Supplier<List<PciBackend>> backends,
            Supplier<InterruptRouter> router, Controllers controllers, String defaultBackend) {
        this.walker = walker;
        this.runtime = runtime;
        this.backends = backends;
        this.router = router;
        this.controllers = controllers;
        this.defaultBackend = defaultBackend;
    }

    /**
     * {@code list [--backend NAME] [--devices DIR] [--caps]}: one line per function; {@code --devices}
     * lists the device files of a directory, {@code --caps} adds each function's capabilities and what
     * serves each (a handler bundle, the read-only fallback, or hidden).
     */
    void list(PrintStream out, String... args) throws IOException {
        Args a = new Args(args);
        String name = a.option("--backend", defaultBackend);
        String dir = a.option("--devices", null);
        boolean caps = a.flag("--caps");
        a.none("list");
        PciBackend backend;
        if (dir == null) {
            backend = backend(name);
        } else if (name.equals(SIM)) {
            backend = sim(() -> SimFiles.directory(Path.of(dir)));
        } else {
            backend(name);
            throw new IllegalArgumentException("list: --devices names a directory of device files, for the sim"
                    + " backend; the " + name + " backend is configured instead (pci:config " + name + " ...)");
        }
        for (DeviceDTO d : backend.devices()) {
            out.printf(LIST_LINE, d.address, d.vendorId, d.deviceId, d.classCode, d.headerType, d.configSize,
                    d.truncated ? " truncated" : "", d.description, d.source);
            if (caps) {
                out.println("    " + servedCapabilities(backend, PciAddress.parse(d.address)));
            }
        }
    }

    /** {@code caps DEVICE}: the walker's capabilities, each marked hidden where a guest does not see it. */
    void caps(PrintStream out, String... args) throws IOException {
        Target t = target(new Args(args).single("caps needs one DEVICE"));
        CapsFormat.print(walker.walk(t.config()), hiddenFromGuest(t), out);
    }

    /**
     * {@code dump DEVICE [--guest | --compare]}: config space in {@code lspci -xxxx} format, as the
     * device has it or as a freshly opened guest sees it; {@code --compare} prints the dwords where
     * the two differ, with the capability owning each.
     */
    void dump(PrintStream out, String... args) throws IOException {
        Args a = new Args(args);
        boolean guest = a.flag("--guest");
        boolean compare = a.flag("--compare");
        Target t = target(a.single("dump needs one DEVICE"));
        if (guest && compare) {
            throw new IllegalArgumentException("dump: --guest and --compare exclude each other");
        }
        if (compare) {
            compare(t, out);
        } else {
            DumpFormat.print(t.address(), t.description(), guest ? withGuest(t, DeviceShell::readAll) : t.config(), out);
        }
    }

    /**
     * {@code replay DEVICE [--script FILE] [--permissive] [--trace]}: runs a guest access script
     * (DESIGN.md, "The command line") from the file or from {@code in} against the device opened for a
     * guest, and closes it again. Interrupts that reach the guest are printed by a controller registered
     * above every other for the replay's duration (a host has no hypervisor to deliver them to).
     *
     * @throws ParseException at the first malformed script line; its error offset is the line number
     */
    void replay(InputStream in, PrintStream out, String... args) throws IOException, ParseException {
        Args a = new Args(args);
        String script = a.option("--script", null);
        boolean permissive = a.flag("--permissive");
        boolean trace = a.flag("--trace");
        Target t = target(a.single("replay needs one DEVICE"));
        if (runtime.device(t.address()).isPresent()) {
            throw new PciAccessException(t.address(), "open as a virtual device; close it before a replay (pci:close)");
        }
        try (BufferedReader lines = script == null ? new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                : openScript(script); PhysicalDevice device = t.open()) {
            PciAddress address = device.address();
            RecordingInterruptController printer = new RecordingInterruptController(out::println);
            Runnable unregister = controllers.register(new GuestInterruptController() {
                @Override
                public void deliverMsi(PciAddress source, InterruptKind kind, long messageAddress, int data) {
                    if (source.equals(address)) {
                        printer.deliverMsi(source, kind, messageAddress, data);
                    }
                }

                @Override
                public void setIntxLevel(PciAddress source, boolean asserted) {
                    if (source.equals(address)) {
                        printer.setIntxLevel(source, asserted);
                    }
                }
            });
            try {
                VirtualDevice guest = permissive ? runtime.open(device, PERMISSIVE) : runtime.open(device);
                try (Replay replay = new Replay(guest, device, router, out, trace)) {
                    replay.run(lines);
                } finally {
                    guest.close();
                }
            } finally {
                unregister.run();
            }
        }
    }

    /**
     * The {@code --script} file; one that cannot be opened is an error of the command line. It is
     * decoded as standard input is: bytes that are not UTF-8 become U+FFFD, so their line is reported
     * malformed with its number (a strict decoder failed the whole read, with no line number).
     */
    private static BufferedReader openScript(String script) throws IOException {
        Path path = path(script);
        if (path == null || !Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("--script " + script + ": no such readable file");
        }
        return new BufferedReader(new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8));
    }

    /** {@code read ADDRESS SIZE OFFSET}: a guest config read of the function, opened on first use. */
    void read(PrintStream out, String... args) {
        List<String> w = new Args(args).positional(3, 3, "read needs ADDRESS SIZE OFFSET");
        int size = size(w.get(1));
        int offset = offset(w.get(2));
        int value = guest(address(w.get(0))).read(offset, size);
        out.println("r " + size + " " + w.get(2) + " = " + Args.hex(value & 0xffffffffL, size));
    }

    /** {@code write ADDRESS SIZE OFFSET VALUE}: a guest config write of the function, opened on first use. */
    void write(PrintStream out, String... args) {
        List<String> w = new Args(args).positional(4, 4, "write needs ADDRESS SIZE OFFSET VALUE");
        int size = size(w.get(1));
        int offset = offset(w.get(2));
        long value = Args.number(w.get(3));
        if (value >>> (8 * size) != 0) {
            throw new IllegalArgumentException("value " + w.get(3) + " does not fit in " + size + " bytes");
        }
        guest(address(w.get(0))).write(offset, size, (int) value);
    }

    /** {@code close ADDRESS}: closes a function {@code read} or {@code write} opened. */
    void close(PrintStream out, String... args) {
        PciAddress address = address(new Args(args).single("close needs ADDRESS"));
        Opened o;
        synchronized (opened) {
            o = opened.remove(address);
        }
        if (o == null) {
            throw new PciAccessException(address, "not opened by the shell (pci:read and pci:write open a function)");
        }
        close(o);
    }

    /** Closes every function the shell opened. */
    @Override
    public void close() {
        List<Opened> all;
        synchronized (opened) {
            all = new ArrayList<>(opened.values());
            opened.clear();
        }
        all.forEach(DeviceShell::close);
    }

    private static void close(Opened o) {
        try {
            o.guest().close();
        } finally {
            o.device().close();
        }
    }

    // ---- devices ------------------------------------------------------------------------------

    /** What a DEVICE argument names: a device file, a function address, or a device name of the sim backend. */
    Target target(String device) throws IOException {
        Path path = path(device);
        if (path != null && Files.isRegularFile(path)) {
            return sim(() -> SimFiles.file(path));
        }
        Optional<PciAddress> address = parseAddress(device);
        if (address.isPresent()) {
            return live(address.get());
        }
        for (PciBackend b : backends.get()) {
            if (b.name().equals(SIM)) {
                Optional<Target> t = sim(() -> SimFiles.named(b, device));
                if (t.isPresent()) {
                    return t.get();
                }
            }
        }
        throw new IOException(device + ": no such device file, and no shipped device of that name (see list)");
    }

    /** A backend's function: its configuration bytes as read now, and the backend's handle on open. */
    private Target live(PciAddress address) {
        Opening opening = openFunction(address);
        String description;
        byte[] config;
        try (PhysicalDevice d = opening.device()) {
            description = d.describe().description;
            config = readConfig(d);
        }
        return new Target(address, description, config, true, () -> opening.backend().open(address));
    }

    /** The backend named {@code name}; a usage error naming the backends present otherwise. */
    private PciBackend backend(String name) {
        List<PciBackend> all = backends.get();
        for (PciBackend b : all) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("list: unknown backend '" + name + "' ("
                + all.stream().map(PciBackend::name).sorted().collect(Collectors.joining(" or ")) + ")");
    }

    /**
     * Opens a function from the first backend that has it, the default backend first. Each backend is
     * asked to open it (a backend refuses an address it does not have), not to list its functions,
     * which copies every one of them.
     */
    private Opening openFunction(PciAddress address) {
        List<PciBackend> all = new ArrayList<>(backends.get());
        all.sort((x, y) -> Boolean.compare(!x.name().equals(defaultBackend), !y.name().equals(defaultBackend)));
        List<String> refusals = new ArrayList<>();
        for (PciBackend b : all) {
            try {
                return new Opening(b, b.open(address));
            } catch (PciAccessException e) {
                refusals.add(b.name() + ": " + e.getMessage());
            }
        }
        throw new PciAccessException(address, "no backend offers this function " + refusals);
    }

    /** The open virtual device of an address: the shell's, another client's, or opened now and kept. */
    private VirtualDevice guest(PciAddress address) {
        synchronized (opened) {
            Opened o = opened.get(address);
            Optional<VirtualDevice> open = runtime.device(address);
            if (o != null && open.isPresent() && open.get() == o.guest()) {
                return o.guest();
            }
            if (o != null) {
                // Closed under the shell (the runtime restarted): forget it.
                opened.remove(address);
                o.device().close();
            }
            if (open.isPresent()) {
                return open.get();
            }
            PhysicalDevice device = openFunction(address).device();
            try {
                VirtualDevice guest = runtime.open(device);
                opened.put(address, new Opened(device, guest));
                return guest;
            } catch (RuntimeException e) {
                device.close();
                throw e;
            }
        }
    }

    /**
     * Runs {@code action} on the target as a freshly opened guest sees it. A backend's function that is
     * already open is used as it is; a device file or name is opened afresh and closed again.
     */
    private <R> R withGuest(Target t, Function<VirtualDevice, R> action) {
        Optional<VirtualDevice> open = runtime.device(t.address());
        if (open.isPresent()) {
            if (t.live()) {
                return action.apply(open.get());
            }
            throw new PciAccessException(t.address(), "a function of this address is open as a virtual device;"
                    + " close it before opening a device file of the same address");
        }
        try (PhysicalDevice device = t.open()) {
            VirtualDevice guest = runtime.open(device);
            try {
                return action.apply(guest);
            } finally {
                guest.close();
            }
        }
    }

    /**
     * Which capabilities a guest does not see, as the core decides it (default policy, configuration,
     * capabilities whose extent cannot be trusted); for a function that cannot be passed through (a
     * bridge, a 64-byte dump), the walker's default policy.
     */
    private Predicate<Capability> hiddenFromGuest(Target t) {
        VirtualDeviceDTO dto;
        try {
            dto = withGuest(t, g -> snapshotOf(g.address()));
        } catch (PciAccessException e) {
            if (runtime.device(t.address()).isPresent()) {
                throw e;
            }
            return Capability::hiddenByDefault;
        }
        List<String> hidden = new ArrayList<>();
        for (VirtualCapabilityDTO c : dto.capabilities) {
            if (c.hidden) {
                hidden.add(c.space + "@" + c.offset);
            }
        }
        return c -> hidden.contains(c.space().property() + "@" + c.offset());
    }

    /** The runtime's snapshot of one open device. */
    private VirtualDeviceDTO snapshotOf(PciAddress address) {
        for (VirtualDeviceDTO d : runtime.snapshot().devices) {
            if (d.address.equals(address.toString())) {
                return d;
            }
        }
        throw new PciAccessException(address, "open, but missing from the runtime's snapshot");
    }

    /** {@code NAME@0xOFF=SERVER} per capability of a function, SERVER being a handler bundle, read-only or hidden. */
    private String servedCapabilities(PciBackend backend, PciAddress address) {
        VirtualDeviceDTO dto;
        Optional<VirtualDevice> open = runtime.device(address);
        try {
            if (open.isPresent()) {
                dto = snapshotOf(address);
            } else {
                try (PhysicalDevice device = backend.open(address)) {
                    VirtualDevice guest = runtime.open(device);
                    try {
                        dto = snapshotOf(address);
                    } finally {
                        guest.close();
                    }
                }
            }
        } catch (PciAccessException e) {
            return "not passed through: " + e.getMessage();
        }
        List<String> tokens = new ArrayList<>();
        for (VirtualCapabilityDTO c : dto.capabilities) {
            String server = c.hidden ? "hidden"
                    : c.quarantined ? "quarantined"
                    : c.handlerBundle == null ? "read-only"
                    : shortName(c.handlerBundle);
            tokens.add(c.name + "@0x" + Integer.toHexString(c.offset) + "=" + server);
        }
        return String.join(" ", tokens);
    }

    /** {@code org.pciguard.cap.pm} as {@code cap.pm}; other bundles keep their whole name. */
    static String shortName(String bsn) {
        return bsn.startsWith(BUNDLE_PREFIX) ? bsn.substring(BUNDLE_PREFIX.length()) : bsn;
    }

    /** The dwords where the device and a freshly opened guest differ. */
    private void compare(Target t, PrintStream out) {
        byte[] device = t.config();
        byte[] guest = withGuest(t, DeviceShell::readAll);
        CapabilityMap map = walker.walk(device);
        out.println(t.address() + " " + t.description());
        out.println("offset  device      guest       owner");
        for (int off = 0; off + 4 <= Math.min(device.length, guest.length); off += 4) {
            int d = le32(device, off);
            int g = le32(guest, off);
            if (d != g) {
                String owner = map.ownerOf(off).map(Capability::label).orElse("-");
                out.printf("0x%03x   %s  %s  %s%n", off, Args.hex(d & 0xffffffffL, 4), Args.hex(g & 0xffffffffL, 4),
                        owner);
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Runs code of {@link SimFiles}, whose package is an optional import. */
    private static <T> T sim(Callable<T> action) throws IOException {
        try {
            return action.call();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("device files need the simulated backend's package"
                    + " (bundle org.pciguard.backend.sim, wired to this shell)", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Path path(String device) {
        try {
            return Path.of(device);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static Optional<PciAddress> parseAddress(String text) {
        try {
            return Optional.of(PciAddress.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static PciAddress address(String text) {
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a function address (dddd:bb:dd.f)", e);
        }
    }

    private static int size(String text) {
        long size = Args.number(text);
        if (size != 1 && size != 2 && size != 4) {
            throw new IllegalArgumentException("size must be 1, 2 or 4, not " + text);
        }
        return (int) size;
    }

    private static int offset(String text) {
        long offset = Args.number(text);
        if (offset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + text + " is outside config space");
        }
        return (int) offset;
    }

    /** The whole config space as the guest reads it, one 4-byte read at a time. */
    static byte[] readAll(VirtualDevice guest) {
        byte[] bytes = new byte[guest.configSize()];
        for (int off = 0; off < bytes.length; off += 4) {
            putLe32(bytes, off, guest.read(off, 4));
        }
        return bytes;
    }

    /** The whole config space the backend reaches, one 4-byte read at a time. */
    static byte[] readConfig(PhysicalDevice device) {
        byte[] bytes = new byte[device.configSize()];
        for (int off = 0; off < bytes.length; off += 4) {
            putLe32(bytes, off, device.readConfig(off, 4));
        }
        return bytes;
    }

    private static void putLe32(byte[] bytes, int off, int v) {
        bytes[off] = (byte) v;
        bytes[off + 1] = (byte) (v >>> 8);
        bytes[off + 2] = (byte) (v >>> 16);
        bytes[off + 3] = (byte) (v >>> 24);
    }

    private static int le32(byte[] bytes, int off) {
        return (bytes[off] & 0xff) | (bytes[off + 1] & 0xff) << 8 | (bytes[off + 2] & 0xff) << 16
                | (bytes[off + 3] & 0xff) << 24;
    }
}
