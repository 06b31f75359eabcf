package org.pciguard.itests;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Every pciguard bundle of the build resolves and starts in Felix with SCR and Config Admin, and
 * every DS component in them is satisfied. A failure names the bundle and the framework's reason
 * (the missing requirement), or the component and what it lacks.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundlesResolveTest extends FrameworkTest {

    private static final String PCIGUARD_BSN_PREFIX = "org.pciguard.";

    @Test
    public void everyBuiltBundleIsInstalledAndActive() {
        Map<String, String> problems = new LinkedHashMap<>();
        for (File jar : PciguardOptions.bundleFiles()) {
            String bsn = PciguardOptions.symbolicName(jar);
            Bundle b = installed(bsn);
            if (b == null) {
                problems.put(bsn, "not installed (from " + jar.getName() + ")");
            } else if (b.getState() != expectedState(b)) {
                problems.put(bsn, whyNot(b));
            }
        }
        assertTrue("pciguard bundles not active:\n" + format(problems), problems.isEmpty());
    }

    @Test
    public void noBundleInTheFrameworkFailsToResolve() {
        Map<String, String> problems = new LinkedHashMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getState() != expectedState(b)) {
                problems.put(b.getSymbolicName() + " " + b.getVersion(), whyNot(b));
            }
        }
        assertTrue("bundles neither active nor resolved fragments:\n" + format(problems), problems.isEmpty());
    }

    @Test
    public void everyComponentIsSatisfied() throws InterruptedException {
        ServiceComponentRuntime scr = services.await(ServiceComponentRuntime.class).getService();
        Bundle[] ours = Arrays.stream(context.getBundles()).filter(BundlesResolveTest::isPciguard).toArray(Bundle[]::new);
        Map<String, String> problems = new LinkedHashMap<>();
        int components = 0;
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(ours)) {
            components++;
            String name = d.bundle.symbolicName + " " + d.name;
            if (!scr.isComponentEnabled(d)) {
                problems.put(name, "disabled");
                continue;
            }
            Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
            // A component that requires configuration has none until Config Admin supplies one.
            if (configs.isEmpty() && !"require".equals(d.configurationPolicy)) {
                problems.put(name, "no component configuration");
            }
            for (ComponentConfigurationDTO c : configs) {
                if (c.state != ComponentConfigurationDTO.SATISFIED && c.state != ComponentConfigurationDTO.ACTIVE) {
                    problems.put(name, describe(c));
                }
            }
        }
        assertTrue("no DS component found in the pciguard bundles", components > 0);
        assertTrue("components not satisfied:\n" + format(problems), problems.isEmpty());
    }

    /**
     * Why a bundle is not in its expected state: the framework's reason, which a start attempt
     * reports (a missing requirement, an activator that threw).
     */
    private static String whyNot(Bundle b) {
        String state = stateName(b.getState());
        if (isFragment(b)) {
            return state + ": a fragment that attached to no host";
        }
        try {
            b.start();
            return state + " although it starts when asked";
        } catch (BundleException | IllegalStateException e) {
            return state + ": " + e.getMessage();
        }
    }

    private Bundle installed(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static boolean isPciguard(Bundle b) {
        return b.getSymbolicName() != null && b.getSymbolicName().startsWith(PCIGUARD_BSN_PREFIX);
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision r = b.adapt(BundleRevision.class);
        return r != null && (r.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static int expectedState(Bundle b) {
        return isFragment(b) ? Bundle.RESOLVED : Bundle.ACTIVE;
    }

    private static String describe(ComponentConfigurationDTO c) {
        return switch (c.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied references "
                    + Arrays.stream(c.unsatisfiedReferences).map(r -> r.name + " " + r.target).toList();
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed activation: " + c.failure;
            default -> "state " + c.state;
        };
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + state;
        };
    }

    private static String format(Map<String, String> problems) {
        return problems.entrySet().stream().map(e -> "  " + e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("\n"));
    }
}
