package org.pciguard.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;

import org.ops4j.pax.exam.Option;
import org.osgi.framework.Constants;

/**
 * The framework every integration test boots: Felix SCR with the OSGi APIs it imports, Felix
 * Config Admin, and every pciguard bundle the build copied to {@value #BUNDLES_DIR} (the jars of
 * this reactor, never a SNAPSHOT from the local repository).
 */
final class PciguardOptions {

    /** System property naming the directory of the reactor's bundles (set by surefire). */
    static final String BUNDLES_DIR = "pciguard.bundles.dir";

    /** How long a test waits for a service. */
    static final long TIMEOUT_MS = 10_000;

    private PciguardOptions() {
    }

    /** The options of the framework: every bundle installed and started. */
    static Option[] framework() {
        return framework(java.util.Set.of());
    }

    /**
     * The options of the framework without some pciguard bundles, which a test installs itself.
     *
     * @param heldBack jar file names in {@value #BUNDLES_DIR} ({@code cap-pm.jar})
     */
    static Option[] framework(java.util.Set<String> heldBack) {
        List<Option> options = new ArrayList<>(List.of(
                junitBundles(),
                mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.log").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject()));
        for (File jar : bundleFiles()) {
            if (!heldBack.contains(jar.getName())) {
                options.add(bundle(jar.toURI().toString()));
            }
        }
        return options.toArray(Option[]::new);
    }

    /** The pciguard bundle jars, in file-name order; fails when the build copied none. */
    static List<File> bundleFiles() {
        String dir = System.getProperty(BUNDLES_DIR);
        if (dir == null) {
            throw new IllegalStateException("system property " + BUNDLES_DIR + " is not set (run through Maven)");
        }
        File[] jars = new File(dir).listFiles((d, name) -> name.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("no bundle jars in " + dir + " (run mvn verify, not mvn test)");
        }
        Arrays.sort(jars);
        return List.of(jars);
    }

    /** One pciguard bundle jar of the build, by file name ({@code cap-pm.jar}). */
    static File bundleFile(String name) {
        return bundleFiles().stream().filter(f -> f.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + " in " + System.getProperty(BUNDLES_DIR)));
    }

    /** The Bundle-SymbolicName in a jar's manifest. */
    static String symbolicName(File jar) {
        try (JarFile j = new JarFile(jar)) {
            String bsn = j.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (bsn == null) {
                throw new IllegalStateException(jar + " is not a bundle: no " + Constants.BUNDLE_SYMBOLICNAME);
            }
            return bsn.split(";", 2)[0].strip();
        } catch (IOException e) {
            throw new UncheckedIOException(jar + ": " + e.getMessage(), e);
        }
    }
}
