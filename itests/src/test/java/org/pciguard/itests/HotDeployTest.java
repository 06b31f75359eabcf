package org.pciguard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.VirtualizationRuntime;
import org.pciguard.api.virt.dto.HandlerDTO;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.itests.vendor.VendorActivator;
import org.pciguard.itests.vendor.VendorBundle;

/**
 * Hot deployment in a running framework: handler bundles installed under an open device and two
 * accessing threads, a vendor handler shadowing the stock one, fallback on uninstall, the interrupt
 * router restarted under an open device, and a configuration change through the shell's command.
 * The PM handler bundle is held back at boot; each test boots its own framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HotDeployTest {

    private static final String PM_JAR = "cap-pm.jar";
    private static final String PM_BUNDLE = "org.pciguard.cap.pm";
    private static final String IRQ_BUNDLE = "org.pciguard.irq";
    private static final String SIM = "(" + PciBackend.NAME_PROPERTY + "=sim)";
    /** Intel 82576: PM at 0x40, MSI (64-bit, maskable) at 0x50. */
    private static final String I82576 = "8086-10c9-82576-gbe-sriov.lspci";
    private static final int PM = 0x40;
    private static final int PMCSR = PM + Pm.CTRL;
    private static final int MSI = 0x50;
    private static final int MSI_DATA_64 = MSI + 0x0c;
    private static final int GUEST_BAR0 = 0xfebf0000;
    private static final int MSI_ADDRESS = 0xfee01000;
    private static final int MSI_DATA = 0x4021;
    /** Accesses each thread makes before the install, and again after the takeover. */
    private static final int ACCESSES = 2_000;

    @Inject
    private BundleContext context;

    private ServiceWaiter services;
    private VirtualizationRuntime runtime;
    private PhysicalDevice device;
    private VirtualDevice guest;

    @Configuration
    public Option[] configuration() {
        return PciguardOptions.framework(Set.of(PM_JAR));
    }

    @Before
    public void openTheDevice() throws Exception {
        services = new ServiceWaiter(context);
        runtime = services.await(VirtualizationRuntime.class).getService();
        PciBackend sim = services.await(PciBackend.class, SIM).getService();
        PciAddress address = PciAddress.parse(sim.devices().stream().filter(d -> d.source.equals(I82576)).findFirst()
                .orElseThrow().address);
        device = sim.open(address);
        guest = runtime.open(device);
    }

    @After
    public void closeTheDevice() {
        guest.close();
        device.close();
        services.close();
    }

    @Test
    public void handlerInstalledUnderTwoAccessingThreadsTakesOverWithNoFailedAccess() throws Exception {
        guest.write(PciRegs.BASE_ADDRESS_0, 4, GUEST_BAR0);
        int bar0 = guest.read(PciRegs.BASE_ADDRESS_0, 4);
        guest.write(MSI + Msi.ADDRESS_LO, 4, MSI_ADDRESS);
        guest.write(MSI_DATA_64, 2, MSI_DATA);
        assertEquals("PM served read-only before the install", -1, capability(PM).handlerServiceId);

        AtomicBoolean takenOver = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch warm = new CountDownLatch(2);
        CountDownLatch after = new CountDownLatch(2);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong accesses = new AtomicLong();
        Runnable reader = () -> loop(stop, takenOver, warm, after, failures, accesses, () -> {
            check(failures, "BAR0", bar0, guest.read(PciRegs.BASE_ADDRESS_0, 4));
            check(failures, "MSI address", MSI_ADDRESS, guest.read(MSI + Msi.ADDRESS_LO, 4));
            guest.read(PMCSR, 2);
        });
        Runnable writer = () -> loop(stop, takenOver, warm, after, failures, accesses, () -> {
            guest.write(MSI_DATA_64, 2, MSI_DATA);
            check(failures, "MSI data", MSI_DATA, guest.read(MSI_DATA_64, 2));
            guest.write(PciRegs.BASE_ADDRESS_0, 4, GUEST_BAR0);
        });
        Thread[] threads = {new Thread(reader, "vcpu-reader"), new Thread(writer, "vcpu-writer")};
        for (Thread t : threads) {
            t.start();
        }
        try {
            assertTrue("the threads never got going", warm.await(PciguardOptions.TIMEOUT_MS, TimeUnit.MILLISECONDS));
            Bundle pm = install(PciguardOptions.bundleFile(PM_JAR).toPath());
            assertEquals("PM served by the installed bundle", PM_BUNDLE, capability(PM).handlerBundle);
            assertEquals(pm.getSymbolicName(), PM_BUNDLE);
            takenOver.set(true);
            assertTrue("the threads stalled after the takeover",
                    after.await(PciguardOptions.TIMEOUT_MS, TimeUnit.MILLISECONDS));
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(PciguardOptions.TIMEOUT_MS);
            }
        }
        assertEquals("failed accesses out of " + accesses.get(), List.of(), List.copyOf(failures));
        assertEquals("guest BAR0 carried over", bar0, guest.read(PciRegs.BASE_ADDRESS_0, 4));
        assertEquals("guest MSI address carried over", MSI_ADDRESS, guest.read(MSI + Msi.ADDRESS_LO, 4));
        guest.write(PMCSR, 2, Pm.STATE_D3HOT);
        assertEquals("the new handler serves PowerState", Pm.STATE_D3HOT, guest.read(PMCSR, 2) & Pm.CTRL_STATE_MASK);
    }

    @Test
    public void higherRankedVendorHandlerShadowsTheStockOneAndUninstallFallsBack() throws Exception {
        Bundle stock = install(PciguardOptions.bundleFile(PM_JAR).toPath());
        guest.write(PMCSR, 2, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, guest.read(PMCSR, 2) & Pm.CTRL_STATE_MASK);
        long stockId = capability(PM).handlerServiceId;

        Path jar = VendorBundle.build();
        Bundle vendor = install(jar);
        try {
            HandlerDTO vendorDto = handler(VendorBundle.BSN);
            HandlerDTO stockDto = handler(PM_BUNDLE);
            assertEquals(HandlerDTO.ACTIVE, vendorDto.failureReason);
            assertEquals(VendorActivator.RANKING, vendorDto.ranking);
            assertEquals(HandlerDTO.SHADOWED, stockDto.failureReason);
            assertEquals(vendorDto.serviceId, stockDto.shadowedBy);
            assertEquals(VendorBundle.BSN, capability(PM).handlerBundle);
            assertEquals("the guest's power state carried over", Pm.STATE_D3HOT,
                    guest.read(PMCSR, 2) & Pm.CTRL_STATE_MASK);
            long denied = capability(PM).deniedWrites;
            guest.write(PMCSR, 2, 0);
            assertEquals("the vendor's read-only table drops the write", Pm.STATE_D3HOT,
                    guest.read(PMCSR, 2) & Pm.CTRL_STATE_MASK);
            assertEquals(denied + 1, capability(PM).deniedWrites);
        } finally {
            vendor.uninstall();
            Files.deleteIfExists(jar);
        }

        assertEquals("the stock handler serves again", stockId, capability(PM).handlerServiceId);
        assertEquals(HandlerDTO.ACTIVE, handler(PM_BUNDLE).failureReason);
        guest.write(PMCSR, 2, 0);
        assertEquals("D3hot to D0 through the stock handler", 0, guest.read(PMCSR, 2) & Pm.CTRL_STATE_MASK);

        stock.uninstall();
        assertEquals("read-only fallback once no handler is left", -1, capability(PM).handlerServiceId);
        assertEquals("nothing the guest wrote is lost", 0, guest.read(PMCSR, 2) & Pm.CTRL_STATE_MASK);
    }

    /*
     * Fails today: after the restart the new router holds no route of the device. The core attaches open
     * devices to a router that binds (CoreDevice.routeThrough) but does not hand it the programming the
     * guest did before (the last MsiProgrammed, MsixControl, MsixEntryProgrammed and INTx effects).
     */
    @Test
    public void stoppingAndRestartingTheRouterKeepsTheRoutes() throws Exception {
        guest.write(MSI + Msi.ADDRESS_LO, 4, MSI_ADDRESS);
        guest.write(MSI_DATA_64, 2, MSI_DATA);
        guest.write(MSI + Msi.FLAGS, 2, Msi.FLAGS_ENABLE);
        ServiceTracker<InterruptRouter, InterruptRouter> router = services.await(InterruptRouter.class);
        List<String> before = routes(router.getService());
        assertTrue("an enabled MSI route with the guest's message: " + before,
                before.contains("msi 0 addr=" + Integer.toHexString(MSI_ADDRESS) + " data=" + Integer.toHexString(MSI_DATA)
                        + " enabled"));

        Bundle irq = bundle(IRQ_BUNDLE);
        irq.stop();
        assertNull("no router while its bundle is stopped", router.getService());
        irq.start();
        InterruptRouter restarted = services.await(InterruptRouter.class).getService();

        assertEquals("the routes after the restart", before, routes(restarted));
    }

    @Test
    public void aConfigurationChangeThroughTheShellAppliesWhenTheDeviceIsReopened() throws Exception {
        String address = guest.address().toString();
        assertTrue(!snapshot().permissive && !capability(MSI).hidden);
        CommandProcessor shell = services.await(CommandProcessor.class).getService();
        String list = run(shell, "pci:list");
        assertEquals("pci:list prints a line per simulated function",
                services.await(PciBackend.class, SIM).getService().devices().size(), list.lines().count());

        ServiceTracker<Object, Object> configured = new ServiceTracker<>(context,
                FrameworkUtil.createFilter("(&(objectClass=org.pciguard.core.component.ConfiguredDevice)(address="
                        + address + "))"), null);
        configured.open(true);
        try {
            String shown = run(shell, "pci:config device " + address + " permissive=true hide=0x05");
            assertTrue(shown, shown.contains("permissive = true") && shown.contains("hide = 0x05"));
            assertNotNull("the core never got the configuration",
                    configured.waitForService(PciguardOptions.TIMEOUT_MS));
            assertTrue("options apply when the device is next opened", !snapshot().permissive);
            // As below: the tracker may see the registration before SCR binds it to the core.
            reopenUntil(() -> snapshot().permissive);
            assertTrue("permissive after reopening", snapshot().permissive);
            assertTrue("MSI hidden by configuration", capability(MSI).hidden);

            CountDownLatch removed = new CountDownLatch(1);
            ServiceTracker<Object, Object> gone = new ServiceTracker<>(context, configured.getServiceReference(),
                    new Removal(context, removed));
            gone.open(true);
            run(shell, "pci:config device " + address + " --delete");
            assertTrue("the configuration never left", removed.await(PciguardOptions.TIMEOUT_MS, TimeUnit.MILLISECONDS));
            gone.close();
            // The tracker hears of the unregistration in the same event dispatch as SCR, possibly before SCR
            // unbinds it from the core: reopen until the core has let go, within the timeout.
            reopenUntil(() -> !snapshot().permissive && !capability(MSI).hidden);
            assertTrue("the default policy again", !snapshot().permissive && !capability(MSI).hidden);
        } finally {
            configured.close();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Runs accesses until stopped, counting down {@code warm} after a first batch and {@code after} after one past the takeover. */
    private static void loop(AtomicBoolean stop, AtomicBoolean takenOver, CountDownLatch warm, CountDownLatch after,
            Queue<String> failures, AtomicLong accesses, Runnable access) {
        long done = 0;
        long sinceTakeover = 0;
        while (!stop.get()) {
            try {
                access.run();
            } catch (RuntimeException e) {
                failures.add(Thread.currentThread().getName() + ": " + e);
            }
            accesses.incrementAndGet();
            if (++done == ACCESSES) {
                warm.countDown();
            }
            if (takenOver.get() && ++sinceTakeover == ACCESSES) {
                after.countDown();
            }
        }
    }

    private static void check(Queue<String> failures, String what, int expected, int actual) {
        if (expected != actual) {
            failures.add(Thread.currentThread().getName() + ": " + what + " 0x" + Integer.toHexString(actual)
                    + " where 0x" + Integer.toHexString(expected));
        }
    }

    private Bundle install(Path jar) throws Exception {
        Bundle b = context.installBundle(jar.toUri().toString());
        b.start();
        return b;
    }

    private Bundle bundle(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + bsn));
    }

    /** Reopens the device until {@code done} holds or the timeout passes (no sleep: each reopen is the wait). */
    private void reopenUntil(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PciguardOptions.TIMEOUT_MS);
        do {
            reopen();
        } while (!done.getAsBoolean() && System.nanoTime() < deadline);
    }

    private void reopen() {
        guest.close();
        guest = runtime.open(device);
    }

    private VirtualDeviceDTO snapshot() {
        String address = guest.address().toString();
        return Arrays.stream(runtime.snapshot().devices).filter(d -> d.address.equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError(address + " is not open"));
    }

    private VirtualCapabilityDTO capability(int offset) {
        return Arrays.stream(snapshot().capabilities).filter(c -> c.offset == offset).findFirst()
                .orElseThrow(() -> new AssertionError("no capability at 0x" + Integer.toHexString(offset)));
    }

    private HandlerDTO handler(String bsn) {
        return Arrays.stream(runtime.snapshot().handlers).filter(h -> bsn.equals(h.bundle)).findFirst()
                .orElseThrow(() -> new AssertionError("no handler of " + bsn + ": "
                        + Arrays.toString(runtime.snapshot().handlers)));
    }

    /** The device's routes as {@code source index addr=.. data=.. enabled|disabled}. */
    private List<String> routes(InterruptRouter router) {
        String address = guest.address().toString();
        return Arrays.stream(router.snapshot()).filter(r -> r.device.equals(address)).map(HotDeployTest::route).sorted()
                .toList();
    }

    private static String route(RouteDTO r) {
        return r.source + " " + r.index + " addr=" + Long.toHexString(r.address) + " data=" + Integer.toHexString(r.data)
                + (r.enabled ? " enabled" : " disabled");
    }

    /** What a shell command printed; what it threw fails the test. */
    private static String run(CommandProcessor processor, String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
            try {
                session.execute(line);
            } finally {
                session.close();
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Counts down when the tracked service goes away. */
    private static final class Removal implements ServiceTrackerCustomizer<Object, Object> {
        private final BundleContext context;
        private final CountDownLatch removed;

        Removal(BundleContext context, CountDownLatch removed) {
            this.context = context;
            this.removed = removed;
        }

        @Override
        public Object addingService(ServiceReference<Object> reference) {
            return context.getService(reference);
        }

        @Override
        public void modifiedService(ServiceReference<Object> reference, Object service) {
        }

        @Override
        public void removedService(ServiceReference<Object> reference, Object service) {
            context.ungetService(reference);
            removed.countDown();
        }
    }
}
