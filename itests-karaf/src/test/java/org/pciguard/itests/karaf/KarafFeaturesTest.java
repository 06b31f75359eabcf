package org.pciguard.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The features repository in a stock Karaf 4.4.10: every pciguard feature installs, every pciguard
 * bundle is then active, the runtime serves with every handler bundle, and the {@code pci} commands
 * run in Karaf's own shell. Karaf resolves {@code mvn:org.pciguard/...} from a repository of this
 * reactor's artifacts that the build lays out, so nothing needs to be installed first.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafFeaturesTest {

    private static final String KARAF_VERSION = "4.4.10";
    private static final String PAX_URL_CFG = "etc/org.ops4j.pax.url.mvn.cfg";
    private static final long TIMEOUT_MS = 30_000;

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService featuresService;

    @Inject
    private SessionFactory sessions;

    @Configuration
    public Option[] configuration() {
        String reactor = new File(System.getProperty("pciguard.reactor.repo")).toURI().toString();
        String local = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
        MavenArtifactUrlReference pciguard = maven().groupId("org.pciguard").artifactId("features")
                .classifier("features").type("xml").versionAsInProject();
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(maven().groupId("org.apache.karaf").artifactId("apache-karaf").type("tar.gz")
                            .versionAsInProject())
                    .karafVersion(KARAF_VERSION).unpackDirectory(new File("target/exam")).useDeployFolder(false),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            // Offline: Karaf's own system folder, this reactor's artifacts, then the build's local repository.
            editConfigurationFilePut(PAX_URL_CFG, "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut(PAX_URL_CFG, "org.ops4j.pax.url.mvn.defaultRepositories",
                    "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots," + reactor
                            + "@id=pciguard.reactor@snapshots"),
            editConfigurationFilePut(PAX_URL_CFG, "org.ops4j.pax.url.mvn.localRepository", local),
            features(pciguard, "pciguard-api"),
        };
    }

    @Test
    public void everyFeatureInstallsAndTheShellCommandsRunInKarafsShell() throws Exception {
        List<String> names = Arrays.stream(featuresService.listFeatures()).map(Feature::getName)
                .filter(n -> n.startsWith("pciguard-")).sorted().toList();
        assertTrue("pciguard features: " + names, names.contains("pciguard-core") && names.contains("pciguard-cap-pm"));
        for (String name : names) {
            featuresService.installFeature(name);
        }

        Map<String, String> notActive = new LinkedHashMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().startsWith("org.pciguard.") && b.getState() != Bundle.ACTIVE) {
                notActive.put(b.getSymbolicName(), "state " + b.getState());
            }
        }
        assertEquals("pciguard bundles not active", Map.of(), notActive);

        ServiceTracker<Object, Object> runtime = new ServiceTracker<>(context,
                context.createFilter("(objectClass=org.pciguard.api.virt.VirtualizationRuntime)"), null);
        runtime.open(true);
        try {
            assertNotNull("no virtualization runtime", runtime.waitForService(TIMEOUT_MS));
        } finally {
            runtime.close();
        }

        String handlers = execute("pci:handlers");
        long handlerBundles = names.stream().filter(n -> n.startsWith("pciguard-cap-")).count() + 1; // + cap-header
        assertEquals(handlers, handlerBundles, handlers.lines().filter(l -> l.endsWith(" active")).count());
        String caps = execute("pci:caps 8086-10c9-82576-gbe-sriov");
        assertTrue(caps, caps.startsWith("cap 0x40 id=0x01 len=8 PM\ncap 0x50 id=0x05 len=24 MSI\n"));
    }

    /** Runs a command line in a Karaf shell session and returns what it printed. */
    private String execute(String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Session session = sessions.create(InputStream.nullInputStream(), out, out);
            try {
                session.execute(line);
            } finally {
                session.close();
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
