package org.pciguard.security;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.AfterAll;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceFileException;
import org.pciguard.backend.sim.DeviceFiles;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.Shipped;

/**
 * Coverage-guided fuzzing (Jazzer) of device loading and the replay path: an input is a device file
 * ({@code lspci -x/-xxx/-xxxx} text), a line {@code %%}, then a replay script in the contract's
 * operations (DESIGN.md, "The command line"). The seed corpus, in
 * {@code ReplayFuzzTestInputs/loadAndReplay}, is shipped dumps with short scripts.
 * <p>
 * The loader may refuse a file (a {@link DeviceFileException} naming file and line); the core may refuse
 * a function (a bridge) or an access (a {@link PciAccessException} naming the device). Anything else
 * escaping, a hang (libFuzzer's per-input timeout), or a guest chain that loops is a finding. Runs
 * for {@code maxDuration} in fuzzing mode ({@code JAZZER_FUZZ=1}, set by this module's build), over the
 * seeds only otherwise.
 */
class ReplayFuzzTest {

    private static final String SEPARATOR = "\n%%\n";
    /** Script lines run per input: bounded, so one input cannot run for long. */
    private static final int MAX_LINES = 200;
    /** Inputs run in this JVM, told at the end: libFuzzer's own statistics go to the native stderr, which Surefire drops. */
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final long STARTED = System.nanoTime();

    @AfterAll
    static void tellInputsRun() {
        System.out.printf(Locale.ROOT, "loadAndReplay: %d inputs in %.1f s%n", INPUTS.get(),
                (System.nanoTime() - STARTED) / 1e9);
    }

    @FuzzTest(maxDuration = "40s")
    void loadAndReplay(byte[] input) {
        INPUTS.incrementAndGet();
        String text = new String(input, ISO_8859_1);
        int cut = text.indexOf(SEPARATOR);
        String device = cut < 0 ? text : text.substring(0, cut);
        String script = cut < 0 ? "" : text.substring(cut + SEPARATOR.length());
        DeviceImage image;
        try {
            image = DeviceFiles.parse("fuzz.lspci", device, null);
        } catch (DeviceFileException refused) {
            return;
        }
        SimulatedDevice phys;
        try {
            phys = Shipped.fresh(image);
        } catch (PciAccessException refused) {
            return;
        }
        CoreRuntime rt = Fixtures.runtime();
        VirtualDevice v;
        try {
            v = rt.open(phys);
        } catch (PciAccessException refused) {
            return;
        }
        Exercise.chains(v, "fuzz");
        String[] lines = script.split("\n", MAX_LINES + 1);
        for (int n = 0; n < Math.min(lines.length, MAX_LINES); n++) {
            String line = lines[n];
            Exercise.guarded(() -> step(v, phys, line), v, "fuzz line " + (n + 1) + " '" + line + "'");
        }
        Exercise.chains(v, "fuzz after the script");
        rt.snapshot();
        v.close();
    }

    /** One replay operation; a line that is not one is skipped, as the command line reports it. */
    private static void step(VirtualDevice v, SimulatedDevice phys, String line) {
        String[] t = line.trim().toLowerCase(Locale.ROOT).split("\\s+");
        long[] n = new long[t.length];
        for (int k = 1; k < t.length; k++) {
            n[k] = number(t[k]);
        }
        int size = t.length > 1 ? (int) n[1] : 0;
        switch (t[0]) {
            case "r" -> v.read(arg(n, 2), size);
            case "w" -> v.write(arg(n, 2), size, arg(n, 3));
            case "hw" -> phys.writeConfig(arg(n, 2), size, arg(n, 3));
            case "br" -> v.barRead(size, n.length > 3 ? n[3] : 0, arg(n, 2));
            case "bw" -> v.barWrite(size, n.length > 3 ? n[3] : 0, arg(n, 2), n.length > 4 ? n[4] : 0);
            case "irq" -> phys.raiseInterrupt(t.length > 1 && t[1].equals("msi") ? InterruptKind.MSI
                    : t.length > 1 && t[1].equals("msix") ? InterruptKind.MSIX : InterruptKind.INTX, arg(n, 2));
            case "reset" -> v.reset(phys.resets().contains(ResetKind.FLR) ? ResetKind.FLR : ResetKind.BUS);
            default -> {
                // not an operation: the command line stops with exit 2; the fuzzer goes on
            }
        }
    }

    private static int arg(long[] n, int k) {
        return k < n.length ? (int) n[k] : 0;
    }

    private static long number(String s) {
        try {
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
