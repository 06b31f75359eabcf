package org.pciguard.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.text.ParseException;
import java.util.Locale;
import java.util.function.Supplier;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.virt.VirtualDevice;

/**
 * Runs a replay script against one virtual device (DESIGN.md, "The command line"): one operation a
 * line, {@code #} starts a comment, numbers hex with {@code 0x} or decimal. A refused operation
 * prints {@code ! reason} and the script goes on; a malformed line stops it with {@link MalformedLine}.
 * {@code irq} lines make the simulated function raise an interrupt and {@code eoi} acknowledges INTx at
 * the router; what reaches the guest is printed by the router's controller ({@code > ...} lines).
 */
final class Replay implements AutoCloseable {

    /** A script line that is not of the contract's form; its error offset is the line number. */
    static final class MalformedLine extends ParseException {
        private static final long serialVersionUID = 1L;

        MalformedLine(int line, String text, String why) {
            super("script line " + line + ": " + why + ": '" + text + "'", line);
        }
    }

    private final VirtualDevice guest;
    private final PhysicalDevice device;
    /** The interrupt router, when its bundle runs. */
    private final Supplier<InterruptRouter> router;
    private final PrintStream out;
    private final Tracer tracer;

    /**
     * @param trace print the accesses that reach the device ({@code --trace}); the script's own
     *              {@code hr}, {@code hw} and {@code hbr} are not traced: they stand for the hardware, and
     *              their lines would be mixed into those of the guest operations around them
     */
    Replay(VirtualDevice guest, PhysicalDevice device, Supplier<InterruptRouter> router, PrintStream out,
            boolean trace) {
        this.guest = guest;
        this.device = device;
        this.router = router;
        this.out = out;
        this.tracer = trace ? new Tracer(out) : null;
        if (trace) {
            device.addAccessListener(tracer);
        }
    }

    /** Stops tracing (the function may outlive the replay: a backend's live function). */
    @Override
    public void close() {
        if (tracer != null) {
            device.removeAccessListener(tracer);
        }
    }

    /** Prints {@code ~ hw ...} and {@code ~ bar ...} lines for {@code --trace}, except while muted. */
    private static final class Tracer implements AccessListener {
        private final PrintStream out;
        private boolean muted;

        Tracer(PrintStream out) {
            this.out = out;
        }

        @Override
        public void configAccess(PciAddress d, boolean write, int offset, int size, int value) {
            if (!muted) {
                out.printf("~ hw %s %d 0x%02x %s%n", write ? "w" : "r", size, offset, Args.hex(value & 0xffffffffL, size));
            }
        }

        @Override
        public void barAccess(PciAddress d, boolean write, int bar, long offset, int size, long value) {
            if (!muted) {
                out.printf("~ bar %s %d %d 0x%x %s%n", write ? "w" : "r", bar, size, offset, Args.hex(value, size));
            }
        }
    }

    /** Runs every line of {@code script}. */
    void run(BufferedReader script) throws IOException, MalformedLine {
        String text;
        int number = 0;
        while ((text = script.readLine()) != null) {
            number++;
            int hash = text.indexOf('#');
            String line = (hash >= 0 ? text.substring(0, hash) : text).trim();
            if (!line.isEmpty()) {
                step(number, line);
            }
        }
    }

    private void step(int number, String line) throws MalformedLine {
        String[] t = line.split("\\s+");
        String op = t[0].toLowerCase(Locale.ROOT);
        Runnable action = switch (op) {
            case "r" -> {
                args(number, line, t, 2);
                int size = size(number, line, t[1], 4);
                long off = number(number, line, t[2]);
                yield () -> print(line, guest.read(configOffset(off, size, "config read"), size) & 0xffffffffL, size);
            }
            case "w" -> {
                args(number, line, t, 3);
                int size = size(number, line, t[1], 4);
                long off = number(number, line, t[2]);
                int value = (int) value(number, line, t[3], size);
                yield () -> guest.write(configOffset(off, size, "config write"), size, value);
            }
            case "hr" -> {
                args(number, line, t, 2);
                int size = size(number, line, t[1], 4);
                long off = number(number, line, t[2]);
                yield host(() -> print(line, device.readConfig(configOffset(off, size, "config read"), size) & 0xffffffffL,
                        size));
            }
            case "hw" -> {
                args(number, line, t, 3);
                int size = size(number, line, t[1], 4);
                long off = number(number, line, t[2]);
                int value = (int) value(number, line, t[3], size);
                yield host(() -> device.writeConfig(configOffset(off, size, "config write"), size, value));
            }
            case "br", "hbr" -> {
                args(number, line, t, 3);
                int bar = bar(number, line, t[1]);
                int size = size(number, line, t[2], 8);
                long off = number(number, line, t[3]);
                yield op.equals("br")
                        ? () -> print(line, guest.barRead(bar, off, size), size)
                        : host(() -> print(line, device.readBar(bar, off, size), size));
            }
            case "bw" -> {
                args(number, line, t, 4);
                int bar = bar(number, line, t[1]);
                int size = size(number, line, t[2], 8);
                long off = number(number, line, t[3]);
                long value = value(number, line, t[4], size);
                yield () -> guest.barWrite(bar, off, size, value);
            }
            case "irq" -> {
                if (t.length < 2) {
                    throw new MalformedLine(number, line, "irq needs intx, msi N or msix N");
                }
                String kind = t[1].toLowerCase(Locale.ROOT);
                InterruptKind k;
                int index = 0;
                if (kind.equals("intx")) {
                    args(number, line, t, 1);
                    k = InterruptKind.INTX;
                } else if (kind.equals("msi") || kind.equals("msix")) {
                    args(number, line, t, 2);
                    // An index past int is no source of any function: the backend refuses it as such.
                    index = (int) Math.min(number(number, line, t[2]), Integer.MAX_VALUE);
                    k = kind.equals("msi") ? InterruptKind.MSI : InterruptKind.MSIX;
                } else {
                    throw new MalformedLine(number, line, "irq needs intx, msi N or msix N");
                }
                int source = index;
                yield () -> device.raiseInterrupt(k, source);
            }
            case "eoi" -> {
                args(number, line, t, 0);
                yield () -> {
                    InterruptRouter r = router.get();
                    if (r == null) {
                        throw new IllegalStateException("no interrupt router: the bundle org.pciguard.irq is not running");
                    }
                    r.eoi(device.address());
                };
            }
            case "reset" -> {
                args(number, line, t, 1);
                if (!t[1].equalsIgnoreCase("flr")) {
                    throw new MalformedLine(number, line, "reset needs flr");
                }
                yield () -> guest.reset(flr());
            }
            default -> throw new MalformedLine(number, line, "unknown operation '" + t[0] + "'");
        };
        try {
            action.run();
        } catch (PciAccessException | IllegalArgumentException | IllegalStateException e) {
            out.println("! " + e.getMessage());
        }
    }

    /**
     * The function-level reset the device offers: PCIe FLR, or AF FLR where it offers only that; FLR
     * otherwise, which the device then refuses with its reason.
     */
    private ResetKind flr() {
        return !device.resets().contains(ResetKind.FLR) && device.resets().contains(ResetKind.AF_FLR) ? ResetKind.AF_FLR
                : ResetKind.FLR;
    }

    /** An operation of the script on the device itself: not traced. */
    private Runnable host(Runnable action) {
        return () -> {
            if (tracer != null) {
                tracer.muted = true;
            }
            try {
                action.run();
            } finally {
                if (tracer != null) {
                    tracer.muted = false;
                }
            }
        };
    }

    /** An offset the config API can take; a larger one is refused as outside config space, as the device would. */
    private int configOffset(long offset, int size, String what) {
        if (offset < 0 || offset > Integer.MAX_VALUE) {
            // Composed here: PciAccessException leaves out an offset that reads negative as a long.
            throw new PciAccessException(device.address(), size + "-byte access at 0x" + Long.toHexString(offset) + ": "
                    + what + " refused: outside config space");
        }
        return (int) offset;
    }

    private void print(String line, long value, int size) {
        out.println(String.join(" ", line.split("\\s+")) + " = " + Args.hex(value, size));
    }

    private static void args(int number, String line, String[] t, int n) throws MalformedLine {
        if (t.length != n + 1) {
            throw new MalformedLine(number, line, "'" + t[0] + "' takes " + n + " argument" + (n == 1 ? "" : "s"));
        }
    }

    private static int size(int number, String line, String text, int max) throws MalformedLine {
        long size = number(number, line, text);
        if (size != 1 && size != 2 && size != 4 && !(size == 8 && max == 8)) {
            throw new MalformedLine(number, line, "size must be 1, 2, 4" + (max == 8 ? " or 8" : ""));
        }
        return (int) size;
    }

    private static int bar(int number, String line, String text) throws MalformedLine {
        long bar = number(number, line, text);
        if (bar < 0 || bar > 6) {
            throw new MalformedLine(number, line, "BAR must be 0..5 (6 for the ROM)");
        }
        return (int) bar;
    }

    private static long value(int number, String line, String text, int size) throws MalformedLine {
        long v = number(number, line, text);
        if (size < 8 && (v >>> (8 * size)) != 0) {
            throw new MalformedLine(number, line, "value " + text + " does not fit in " + size + " bytes");
        }
        return v;
    }

    /** {@link Args#number}, failing as a malformed line. */
    static long number(int number, String line, String text) throws MalformedLine {
        try {
            return Args.number(text);
        } catch (NumberFormatException e) {
            throw new MalformedLine(number, line, e.getMessage());
        }
    }
}
