package org.pciguard.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.backend.sim.DeviceFileException;
import org.pciguard.backend.sim.DeviceFiles;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sysfs.SysfsBackend;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * {@code ./pciguard COMMAND ...}: the command line of DESIGN.md. Exit status 0 on success, 1 when a
 * device cannot be loaded or opened, 2 for a usage error or a malformed replay script line.
 */
public final class Main {

    static final String USAGE = String.join("\n",
            "usage: pciguard caps DEVICE",
            "       pciguard dump DEVICE [--guest]",
            "       pciguard list [--backend sim|sysfs] [--devices DIR]",
            "       pciguard replay DEVICE [--script FILE] [--permissive] [--trace]",
            "       pciguard shell     (an interactive Gogo session in the OSGi host; commands in scope pci)",
            "       pciguard demo      (boot, devices and handlers, a hot-installed handler, the runtime DTO)",
            "DEVICE is a device file (lspci -x/-xxx/-xxxx text) or the name of a shipped device",
            "(a file name of `pciguard list`, with or without .lspci).");

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    private final PrintStream out;
    private final PrintStream err;
    private final CapabilityWalker walker = new DefaultCapabilityWalker();

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // The bundles log through System.Logger (java.util.logging here): one line per record.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "pciguard %4$s: %5$s%6$s%n");
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        int status = new Main(out, System.err).run(args, System.in);
        out.flush();
        System.exit(status);
    }

    /** Runs one command; returns the exit status. */
    int run(String[] args, java.io.InputStream stdin) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        try {
            return switch (args[0]) {
                case "caps" -> caps(rest);
                case "dump" -> dump(rest);
                case "list" -> list(rest);
                case "replay" -> replay(rest, stdin);
                case "shell" -> shell(rest);
                case "demo" -> demo(rest);
                case "help", "--help", "-h" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> usage("unknown command '" + args[0] + "'");
            };
        } catch (UsageException e) {
            return usage(e.getMessage());
        } catch (DeviceFileException e) {
            err.println("pciguard: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("pciguard: " + e.getMessage());
            return 1;
        } catch (PciAccessException | IllegalArgumentException e) {
            err.println("pciguard: " + e.getMessage());
            return 1;
        }
    }

    private int caps(List<String> args) throws IOException, UsageException {
        DeviceImage image = load(single(args, "caps needs one DEVICE"));
        CapsFormat.print(walker.walk(image.config()), GuestView.hiddenFromGuest(image, walker), out);
        return 0;
    }

    private int dump(List<String> args) throws IOException, UsageException {
        boolean guest = args.remove("--guest");
        DeviceImage image = load(single(args, "dump needs one DEVICE"));
        PciAddress address = image.address().orElse(new PciAddress(0, 0, 0, 0));
        byte[] config = guest ? GuestView.of(image, walker).config() : image.config();
        DumpFormat.print(address, image.description(), config, out);
        return 0;
    }

    private int list(List<String> args) throws IOException, UsageException {
        String backendName = option(args, "--backend", "sim");
        String dir = option(args, "--devices", null);
        if (!args.isEmpty()) {
            throw new UsageException("list: unexpected argument '" + args.get(0) + "'");
        }
        PciBackend backend = switch (backendName) {
            case "sim" -> dir == null ? SimulatedBackend.shipped() : SimulatedBackend.fromDirectory(Path.of(dir));
            case "sysfs" -> new SysfsBackend(dir == null ? SysfsBackend.DEFAULT_ROOT : Path.of(dir), false);
            default -> throw new UsageException("list: unknown backend '" + backendName + "' (sim or sysfs)");
        };
        for (DeviceDTO d : backend.devices()) {
            out.printf("%s %04x:%04x class=%06x type=%d cfg=%d%s %s [%s]%n", d.address, d.vendorId, d.deviceId,
                    d.classCode, d.headerType, d.configSize, d.truncated ? " truncated" : "", d.description, d.source);
        }
        return 0;
    }

    /** An interactive Gogo session in the OSGi host, until {@code exit} stops the framework. */
    private int shell(List<String> args) throws UsageException {
        if (!args.isEmpty()) {
            throw new UsageException("shell takes no argument");
        }
        try (Host host = Host.boot(Host.home(), java.util.Set.of(), true)) {
            host.awaitStop();
            return 0;
        } catch (Exception e) {
            return failed(e);
        }
    }

    /** The README's walk through the OSGi host (see {@link Demo}). */
    private int demo(List<String> args) throws UsageException {
        if (!args.isEmpty()) {
            throw new UsageException("demo takes no argument");
        }
        try {
            return new Demo(out, err).run(Host.home());
        } catch (Exception e) {
            return failed(e);
        }
    }

    private int failed(Exception e) {
        out.flush();
        err.println("pciguard: " + e);
        return 1;
    }

    private int replay(List<String> args, java.io.InputStream stdin) throws IOException, UsageException {
        String script = option(args, "--script", null);
        boolean permissive = args.remove("--permissive");
        boolean trace = args.remove("--trace");
        DeviceImage image = load(single(args, "replay needs one DEVICE"));
        try (BufferedReader in = script == null
                ? new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))
                : openScript(script);
                GuestView view = GuestView.open(image, walker, permissive, out::println)) {
            new Replay(view.guest(), view.device(), view.router(), out, trace).run(in);
            return 0;
        } catch (Replay.MalformedLine e) {
            out.flush();
            err.println("pciguard: " + e.getMessage());
            return 2;
        }
    }

    /**
     * The {@code --script} file; one that cannot be opened is an error of the command line. It is
     * decoded as standard input is: bytes that are not UTF-8 become U+FFFD, so their line is reported
     * malformed with its number (a strict decoder failed the whole read, with no line number).
     */
    private static BufferedReader openScript(String script) throws UsageException {
        Path path = Path.of(script);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UsageException("--script " + script + ": no such readable file");
        }
        try {
            return new BufferedReader(new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UsageException("--script " + script + ": " + e.getMessage());
        }
    }

    /** A device file path, or the name of a shipped device. */
    private static DeviceImage load(String device) throws IOException {
        Path path = Path.of(device);
        if (Files.isRegularFile(path)) {
            return DeviceFiles.load(path);
        }
        SimulatedBackend shipped = SimulatedBackend.shipped();
        for (DeviceDTO d : shipped.devices()) {
            if (d.source.equals(device) || d.source.equals(device + DeviceFiles.DUMP_SUFFIX)) {
                return shipped.image(PciAddress.parse(d.address));
            }
        }
        throw new IOException(device + ": no such device file, and no shipped device of that name (see pciguard list)");
    }

    private static String single(List<String> args, String what) throws UsageException {
        for (String a : args) {
            if (a.startsWith("--")) {
                throw new UsageException("unknown option '" + a + "'");
            }
        }
        if (args.size() != 1) {
            throw new UsageException(what);
        }
        return args.get(0);
    }

    private static String option(List<String> args, String name, String fallback) throws UsageException {
        int i = args.indexOf(name);
        if (i < 0) {
            return fallback;
        }
        if (i + 1 >= args.size()) {
            throw new UsageException(name + " needs a value");
        }
        String value = args.remove(i + 1);
        args.remove(i);
        return value;
    }

    private int usage(String message) {
        err.println("pciguard: " + message);
        err.println(USAGE);
        return 2;
    }

    /** A command line that does not fit the usage. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
