package org.pciguard.host;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./pciguard COMMAND ...}: the command line of DESIGN.md. {@code caps}, {@code dump},
 * {@code list} and {@code replay} run as the shell's {@code pci:} commands inside the embedded OSGi
 * host ({@link Host}); {@code shell} opens an interactive Gogo session there and {@code demo} walks
 * through it. Exit status 0 on success, 1 when a device cannot be loaded or opened, 2 for a usage
 * error or a malformed replay script line.
 */
public final class Main {

    static final String USAGE = String.join("\n",
            "usage: pciguard caps DEVICE",
            "       pciguard dump DEVICE [--guest | --compare]",
            "       pciguard list [--backend sim|sysfs] [--devices DIR] [--caps]",
            "       pciguard replay DEVICE [--script FILE] [--permissive] [--trace]",
            "       pciguard shell     (an interactive Gogo session in the OSGi host; commands in scope pci)",
            "       pciguard demo      (boot, devices and handlers, a hot-installed handler, the runtime DTO)",
            "DEVICE is a device file (lspci -x/-xxx/-xxxx text), the name of a shipped device",
            "(a file name of `pciguard list`, with or without .lspci), or a function address.");

    /** The commands that run as {@code pci:} commands in the host. */
    private static final Set<String> SHELL_COMMANDS = Set.of("caps", "dump", "list", "replay");
    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    /** The host of this JVM, booted by the first command (the tests run many commands in one JVM). */
    private static Host host;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // The bundles log through System.Logger (java.util.logging here): one line per record.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "pciguard %4$s: %5$s%6$s%n");
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        int status = new Main(out, System.err).run(args, System.in);
        out.flush();
        System.exit(status);
    }

    /** Runs one command; returns the exit status. */
    int run(String[] args, InputStream stdin) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String command = args[0];
        if (SHELL_COMMANDS.contains(command)) {
            return inHost(args, stdin);
        }
        return switch (command) {
            case "shell" -> args.length == 1 ? shell() : usage("shell takes no argument");
            case "demo" -> args.length == 1 ? demo() : usage("demo takes no argument");
            case "help", "--help", "-h" -> {
                out.println(USAGE);
                yield 0;
            }
            default -> usage("unknown command '" + command + "'");
        };
    }

    /**
     * Runs {@code pci:COMMAND ARGS...} in the host. Each argument reaches the command as it is: it is
     * handed over as a session variable, so the shell never parses it ({@code $a1 $a2 ...}).
     */
    private int inHost(String[] args, InputStream stdin) {
        StringBuilder line = new StringBuilder("pci:").append(args[0]);
        Map<String, Object> arguments = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            arguments.put("a" + i, args[i]);
            line.append(" $a").append(i);
        }
        try {
            host().execute(line.toString(), arguments, stdin, out, err);
            return 0;
        } catch (IllegalArgumentException e) {
            out.flush();
            return usage(e.getMessage());
        } catch (ParseException e) {
            out.flush();
            err.println("pciguard: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            out.flush();
            err.println("pciguard: " + e.getMessage());
            return 1;
        }
    }

    /** The JVM's host, booted once; stopped when the JVM exits. */
    private static synchronized Host host() throws Exception {
        if (host == null) {
            Host booted = Host.boot(Host.home(), Set.of(), false);
            Runtime.getRuntime().addShutdownHook(new Thread(booted::close, "pciguard-host-stop"));
            host = booted;
        }
        return host;
    }

    /** An interactive Gogo session in its own host, until the console stops the framework. */
    private int shell() {
        try (Host console = Host.boot(Host.home(), Set.of(), true)) {
            console.awaitStop();
            return 0;
        } catch (Exception e) {
            return failed(e);
        }
    }

    /** The README's walk through the OSGi host (see {@link Demo}). */
    private int demo() {
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

    private int usage(String message) {
        err.println("pciguard: " + message);
        err.println(USAGE);
        return 2;
    }
}
