package org.pciguard.host;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceEvent;

/**
 * {@code ./pciguard demo}: boots the host with one capability handler bundle held back, lists the
 * shipped devices with their capabilities and the bundle serving each, shows the guest against the
 * device view of one device, opens it, hot-installs the held-back handler into the running host
 * while the device is open, shows the takeover, and prints the runtime DTO.
 */
final class Demo {

    /** The device the demo opens: an Intel 82576 with PM, MSI, MSI-X, PCIe, AER and SR-IOV. */
    static final String DEVICE = "8086-10c9-82576-gbe-sriov";
    /** The handler bundle held back and hot-installed: Power Management. */
    static final String HANDLER = "cap-pm.jar";
    static final String HANDLER_BSN = "org.pciguard.cap.pm";
    /** PMCSR of the 82576 (PM capability at 0x40, PMCSR at +4), and PowerState D3hot. */
    static final String PMCSR = "0x44";
    static final String D3HOT = "0x0003";

    private final PrintStream out;
    private final PrintStream err;

    Demo(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(Path home) throws Exception {
        try (Host host = Host.boot(home, Set.of(HANDLER), false)) {
            long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
            String list = capture(host, "pci:list");
            out.printf("== boot: %d bundles active, %d shipped devices listed; host ready in %d ms (%d ms after JVM start);"
                    + " %s held back%n", host.context().getBundles().length, list.lines().count(),
                    TimeUnit.NANOSECONDS.toMillis(host.bootNanos()), uptime, HANDLER_BSN);

            section(host, "the shipped devices, each capability with the bundle serving it", "pci:list --caps");
            String address = list.lines().filter(l -> l.endsWith("[" + DEVICE + ".lspci]")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(DEVICE + " is not among the shipped devices"))
                    .split(" ")[0];
            section(host, "guest against device view of " + DEVICE + " (dwords that differ)", "pci:dump " + address
                    + " --compare");

            section(host, "a guest opens it and asks for D3hot in PMCSR: no PM handler yet, the read-only fallback"
                    + " drops the write", "pci:write " + address + " 2 " + PMCSR + " " + D3HOT, "pci:read " + address
                    + " 2 " + PMCSR, "pci:handlers");

            Path jar = home.resolve(Host.BUNDLES).resolve(HANDLER);
            CountDownLatch changed = new CountDownLatch(1);
            // An AllServiceListener: the host's class path may hold another copy of the runtime's class.
            AllServiceListener listener = e -> {
                if (e.getType() == ServiceEvent.MODIFIED) {
                    changed.countDown();
                }
            };
            host.context().addServiceListener(listener, "(objectClass=org.pciguard.api.virt.VirtualizationRuntime)");
            long start = System.nanoTime();
            Bundle b = host.install(jar);
            long takeover = System.nanoTime() - start;
            boolean published = changed.await(Host.TIMEOUT_MS, TimeUnit.MILLISECONDS);
            host.context().removeServiceListener(listener);
            out.printf("%n== hot install of %s %s into the running host, device open: install to takeover %.1f ms%s%n",
                    b.getSymbolicName(), b.getVersion(), takeover / 1e6,
                    published ? "" : " (no change count published)");

            section(host, "the PM handler serves the open device now; the same write reaches the power state",
                    "pci:handlers", "pci:write " + address + " 2 " + PMCSR + " " + D3HOT, "pci:read " + address + " 2 "
                    + PMCSR);
            section(host, "the runtime DTO", "pci:runtime");
            return 0;
        }
    }

    /** Prints a heading, then each command line and its output. */
    private void section(Host host, String title, String... commands) throws Exception {
        out.println();
        out.println("== " + title);
        for (String c : commands) {
            out.println("$ " + c);
            host.execute(c, Map.of(), InputStream.nullInputStream(), out, err);
        }
    }

    private String capture(Host host, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            host.execute(command, Map.of(), InputStream.nullInputStream(), p, err);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
