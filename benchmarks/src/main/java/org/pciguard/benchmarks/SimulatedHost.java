package org.pciguard.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.AllServiceListener;
import org.osgi.framework.ServiceEvent;
import org.pciguard.host.Host;

/**
 * The embedded OSGi host of {@code host/target/pciguard} with a simulated backend of many generated
 * functions (copies of one shipped dump, each with its own address), opened for guests through the
 * shell's {@code pci:read}. The host runs exactly as {@code ./pciguard} runs it.
 */
final class SimulatedHost implements AutoCloseable {

    /** A shipped conventional function (256 bytes) with PM at 0xdc, PCI-X and MSI. */
    static final String DUMP = "8086-100f-82545em-pcix-gbe.lspci";
    private static final int FUNCTIONS_PER_BUS = 256;
    private static final int FUNCTIONS_PER_DEVICE = 8;
    private static final int DEVICES_PER_BUS = 32;

    final Host host;
    final List<String> addresses;
    private final Path devices;

    private SimulatedHost(Host host, List<String> addresses, Path devices) {
        this.host = host;
        this.addresses = addresses;
        this.devices = devices;
    }

    /**
     * Boots the host without {@code heldBack}, points its simulated backend at {@code count} generated
     * functions (Config Admin, through {@code pci:config}) and waits for the backend to offer them.
     */
    static SimulatedHost boot(int count, Set<String> heldBack) throws Exception {
        Path dir = Files.createTempDirectory("pciguard-bench-devices");
        List<String> addresses = write(dir, count);
        Host host = Host.boot(home(), heldBack, false);
        try {
            CountDownLatch registered = new CountDownLatch(1);
            AllServiceListener listener = e -> {
                if (e.getType() == ServiceEvent.REGISTERED) {
                    registered.countDown();
                }
            };
            host.context().addServiceListener(listener, "(pciguard.backend=sim)");
            run(host, "pci:config sim deviceDirectory=" + dir);
            if (!registered.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the simulated backend did not come back with " + dir);
            }
            host.context().removeServiceListener(listener);
            awaitListed(host, count);
        } catch (Exception | Error e) {
            host.close();
            delete(dir);
            throw e;
        }
        return new SimulatedHost(host, addresses, dir);
    }

    /**
     * Waits until {@code pci:list} shows {@code count} functions: the shell binds the re-registered backend
     * on the registering thread, just after the event that woke this one.
     */
    private static void awaitListed(Host host, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long listed = -1;
        while (System.nanoTime() < deadline) {
            try {
                listed = run(host, "pci:list").lines().count();
                if (listed == count) {
                    return;
                }
            } catch (IllegalArgumentException e) {
                // No sim backend bound to the shell yet.
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the simulated backend lists " + listed + " functions, not " + count);
    }

    /** Opens every function for a guest ({@code pci:read} keeps what it opens open). */
    void openAll() throws Exception {
        for (String a : addresses) {
            host.execute("pci:read " + a + " 4 0", Map.of(), InputStream.nullInputStream(), NULL, NULL);
        }
    }

    /** What a command printed. */
    static String run(Host host, String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            host.execute(line, Map.of(), InputStream.nullInputStream(), out, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** {@code host/target/pciguard} of this build: {@code pciguard.home}, or found from this jar's place. */
    static Path home() {
        String property = System.getProperty(Host.HOME_PROPERTY);
        if (property != null) {
            return Path.of(property);
        }
        try {
            Path jar = Path.of(SimulatedHost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // benchmarks/target/benchmarks.jar (or benchmarks/target/classes) -> host/target/pciguard
            return jar.getParent().getParent().getParent().resolve("host/target/pciguard");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code count} copies of {@link #DUMP}, each with its own address on its header line. */
    private static List<String> write(Path dir, int count) throws IOException {
        String text;
        try (InputStream in = SimulatedHost.class.getResourceAsStream("/devices/" + DUMP)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String body = text.substring(text.indexOf('\n') + 1);
        String description = text.substring(text.indexOf(' ') + 1, text.indexOf('\n'));
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String address = String.format("%04x:%02x:%02x.%x", i / (FUNCTIONS_PER_BUS * FUNCTIONS_PER_BUS),
                    i / FUNCTIONS_PER_BUS % FUNCTIONS_PER_BUS, i / FUNCTIONS_PER_DEVICE % DEVICES_PER_BUS,
                    i % FUNCTIONS_PER_DEVICE);
            addresses.add(address);
            Files.writeString(dir.resolve(String.format("f%05d.lspci", i)), address + " " + description + "\n" + body);
        }
        return addresses;
    }

    @Override
    public void close() {
        host.close();
        delete(devices);
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream());
}
