package org.pciguard.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The embedded OSGi host: Apache Felix with SCR, Config Admin, Metatype, the Gogo runtime and every
 * pciguard bundle of {@code HOME/bundles}, and for an interactive session Gogo's console from
 * {@code HOME/console}. Bundles are installed by reference (never copied) into a private framework
 * storage that is deleted on {@link #close()}.
 * <p>
 * The host shares no class with the bundles: services are found by filters on their class names
 * (tracking all services: the host's own class path may hold other copies of those classes),
 * and commands run in Gogo sessions reached by reflection on the Gogo runtime's own API classes
 * (that API cannot be exported by the system bundle: its classes refer to the runtime's internals).
 */
public final class Host implements AutoCloseable {

    /** System property naming the host's home (the directory holding {@code bundles/} and {@code console/}). */
    public static final String HOME_PROPERTY = "pciguard.home";
    /** Bundles every host runs. */
    public static final String BUNDLES = "bundles";
    /** Bundles only an interactive session adds (Gogo's console). */
    public static final String CONSOLE = "console";
    /** How long the host waits for its services. */
    static final long TIMEOUT_MS = 10_000;

    private static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";
    /** Services without which the host is not ready, by filter. */
    private static final List<String> READY = List.of(
            "(" + Constants.OBJECTCLASS + "=" + COMMAND_PROCESSOR + ")",
            "(" + Constants.OBJECTCLASS + "=org.pciguard.api.virt.VirtualizationRuntime)",
            "(pciguard.backend=sim)",
            "(&(osgi.command.scope=pci)(osgi.command.function=list))",
            "(&(osgi.command.scope=pci)(osgi.command.function=handlers))",
            "(&(osgi.command.scope=pci)(osgi.command.function=config))");

    private final Framework framework;
    private final Path storage;
    private final ServiceTracker<Object, Object> processor;
    /** Set once by {@link #boot}. */
    private long bootNanos;

    private Host(Framework framework, Path storage) {
        this.framework = framework;
        this.storage = storage;
        this.processor = new ServiceTracker<>(framework.getBundleContext(), COMMAND_PROCESSOR, null);
        processor.open(true);
    }

    /**
     * Boots a host and waits until every bundle is active and the pciguard services are registered.
     *
     * @param home     the directory holding {@value #BUNDLES}/ (and {@value #CONSOLE}/)
     * @param heldBack file names in {@value #BUNDLES}/ not to install (a bundle the demo hot-installs later)
     * @param console  whether to add Gogo's interactive console
     */
    public static Host boot(Path home, Set<String> heldBack, boolean console) throws Exception {
        long start = System.nanoTime();
        // The bundles log through System.Logger to java.util.logging. Its console handler takes System.err
        // when first used: make that the process's stderr now, before the Gogo runtime replaces System.err
        // with the per-session stream, so log records never mix into a command's error output.
        Logger.getLogger("").getHandlers();
        Path storage = Files.createTempDirectory("pciguard-felix");
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("felix.log.level", "1");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Host.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(config);
        framework.start();
        Host host = new Host(framework, storage);
        try {
            List<Path> jars = new ArrayList<>(jars(home.resolve(BUNDLES)));
            jars.removeIf(j -> heldBack.contains(j.getFileName().toString()));
            if (console) {
                jars.addAll(jars(home.resolve(CONSOLE)));
            }
            host.startAll(jars);
            host.awaitReady();
        } catch (Exception | Error e) {
            host.close();
            throw e;
        }
        host.bootNanos = System.nanoTime() - start;
        return host;
    }

    /**
     * The home of the host this code belongs to: {@value #HOME_PROPERTY}, or {@code pciguard/} beside
     * the host's jar or classes ({@code host/target/pciguard}).
     */
    public static Path home() {
        String property = System.getProperty(HOME_PROPERTY);
        if (property != null) {
            return Path.of(property);
        }
        try {
            Path code = Path.of(Host.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().resolve("pciguard");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the host's code: " + e.getMessage(), e);
        }
    }

    /** Nanoseconds from {@link #boot} to every bundle active and the services registered. */
    public long bootNanos() {
        return bootNanos;
    }

    /** The system bundle's context. */
    public BundleContext context() {
        return framework.getBundleContext();
    }

    /**
     * Runs one Gogo command line in a new session with the given streams; {@code System.in},
     * {@code out} and {@code err} of the command are these while it runs.
     *
     * @param variables session variables, referenced as {@code $name} on the line (values pass unparsed)
     * @return the command's result
     * @throws Exception what the command threw
     */
    public Object execute(String line, Map<String, Object> variables, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        ServiceReference<Object> ref = processor.getServiceReference();
        Object p = ref == null ? null : processor.getService(ref);
        if (p == null) {
            throw new IllegalStateException("the Gogo runtime is not running");
        }
        Class<?> sessionType = ref.getBundle().loadClass(COMMAND_SESSION);
        Method create = ref.getBundle().loadClass(COMMAND_PROCESSOR).getMethod("createSession", InputStream.class,
                OutputStream.class, OutputStream.class);
        Object session = invoke(create, p, in, out, err);
        try {
            Method put = sessionType.getMethod("put", String.class, Object.class);
            for (Map.Entry<String, Object> v : variables.entrySet()) {
                invoke(put, session, v.getKey(), v.getValue());
            }
            return invoke(sessionType.getMethod("execute", CharSequence.class), session, line);
        } finally {
            out.flush();
            err.flush();
            invoke(sessionType.getMethod("close"), session);
        }
    }

    /** Calls a Gogo API method; what the method throws is thrown as it is. */
    private static Object invoke(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            if (cause instanceof Error x) {
                throw x;
            }
            throw e;
        }
    }

    /** Installs and starts a bundle jar (by reference); returns it once started. */
    public Bundle install(Path jar) throws BundleException {
        Bundle b = context().installBundle("reference:" + jar.toUri());
        if (!isFragment(b)) {
            b.start();
        }
        return b;
    }

    /** Waits until the framework stops (the console's {@code exit}, or {@link #close()}). */
    public void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /** Stops the framework and deletes its storage. */
    @Override
    public void close() {
        processor.close();
        try {
            framework.stop();
            framework.waitForStop(TIMEOUT_MS);
        } catch (BundleException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            delete(storage);
        }
    }

    private void startAll(List<Path> jars) throws BundleException {
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            installed.add(context().installBundle("reference:" + jar.toUri()));
        }
        for (Bundle b : installed) {
            if (!isFragment(b)) {
                b.start();
            }
        }
    }

    /** Waits for the services of {@link #READY}; fails naming the missing ones. */
    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        List<String> missing = new ArrayList<>();
        for (String filter : READY) {
            ServiceTracker<Object, Object> t = new ServiceTracker<>(context(), filter(filter), null);
            t.open(true);
            try {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                if (t.waitForService(left) == null) {
                    missing.add(filter);
                }
            } finally {
                t.close();
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the host is not ready after " + TIMEOUT_MS + " ms: no service " + missing
                    + "; bundles not active: " + notActive() + components());
        }
    }

    /**
     * SCR's report of the components that are not active or satisfied, read from its
     * {@code ServiceComponentRuntime} DTOs (public fields, by reflection: the host shares no class
     * with the bundles).
     */
    private String components() {
        String scr = "org.osgi.service.component.runtime.ServiceComponentRuntime";
        ServiceReference<?> ref = context().getServiceReference(scr);
        if (ref == null) {
            return "; SCR is not running";
        }
        Object runtime = context().getService(ref);
        StringBuilder report = new StringBuilder();
        try {
            Class<?> type = ref.getBundle().loadClass(scr);
            Class<?> description = ref.getBundle().loadClass("org.osgi.service.component.runtime.dto.ComponentDescriptionDTO");
            Collection<?> descriptions = (Collection<?>) type
                    .getMethod("getComponentDescriptionDTOs", Bundle[].class).invoke(runtime, (Object) new Bundle[0]);
            Method configurations = type.getMethod("getComponentConfigurationDTOs", description);
            for (Object d : descriptions) {
                for (Object c : (Collection<?>) configurations.invoke(runtime, d)) {
                    int state = (Integer) c.getClass().getField("state").get(c);
                    if (state < 4) { // UNSATISFIED_CONFIGURATION 1, UNSATISFIED_REFERENCE 2, SATISFIED 4, ACTIVE 8
                        Object[] refs = (Object[]) c.getClass().getField("unsatisfiedReferences").get(c);
                        List<String> names = new ArrayList<>();
                        for (Object r : refs) {
                            names.add(String.valueOf(r.getClass().getField("name").get(r)));
                        }
                        report.append("\n  ").append(d.getClass().getField("name").get(d)).append(": state ")
                                .append(state).append(", unsatisfied references ").append(names)
                                .append(", failure ").append(c.getClass().getField("failure").get(c));
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "; no component report: " + e;
        } finally {
            context().ungetService(ref);
        }
        return report.length() == 0 ? "" : "; components not satisfied:" + report;
    }

    private List<String> notActive() {
        List<String> names = new ArrayList<>();
        for (Bundle b : context().getBundles()) {
            if (b.getState() != Bundle.ACTIVE && !isFragment(b)) {
                names.add(b.getSymbolicName());
            }
        }
        return names;
    }

    private Filter filter(String text) {
        try {
            return FrameworkUtil.createFilter(text);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static boolean isFragment(Bundle b) {
        BundleRevision r = b.adapt(BundleRevision.class);
        return r != null && (r.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    /** The jars of a directory, in name order. */
    static List<Path> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing: build the host first (mvn -B -q install -DskipTests)");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
