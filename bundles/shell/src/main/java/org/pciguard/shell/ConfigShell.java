package org.pciguard.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;

/**
 * {@code pci:config}: the pciguard configurations in Config Admin, with values typed and checked by
 * the metatype of the component they configure (strings where no metatype service runs).
 * <pre>
 * config                              every pciguard configuration
 * config backend NAME                 the backend the commands use ({@value ShellConfig#PID})
 * config BACKEND KEY=VALUE...         a backend's configuration (its component name is the PID):
 *                                     sim deviceDirectory=DIR, sysfs root=DIR, sysfs writable=true
 * config device ADDRESS KEY=VALUE...  a function's options (factory {@value #DEVICE_FACTORY}):
 *                                     permissive=true, hide=0x05,ext:0x0001, expose=...
 * config (BACKEND | device ADDRESS) --delete
 * </pre>
 * Multi-valued properties take comma-separated values.
 */
final class ConfigShell {

    /** Factory PID of the per-device options (the core's). */
    static final String DEVICE_FACTORY = "org.pciguard.device";
    /** The device options' property naming the function. */
    static final String ADDRESS = "address";
    /** The DS service property carrying a component's name, the default PID of its configuration. */
    static final String COMPONENT_NAME = "component.name";
    /** Any bundle may receive the configuration (multi-location binding). */
    private static final String ANY_LOCATION = "?";
    private static final String PCIGUARD_FILTER = "(|(" + Constants.SERVICE_PID + "=org.pciguard.*)("
            + ConfigurationAdmin.SERVICE_FACTORYPID + "=org.pciguard.*))";
    private static final List<String> HIDDEN_KEYS = List.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION);

    private final ConfigurationAdmin admin;
    private final Supplier<MetaTypeService> metatype;
    private final BundleContext context;

    ConfigShell(ConfigurationAdmin admin, Supplier<MetaTypeService> metatype, BundleContext context) {
        this.admin = admin;
        this.metatype = metatype;
        this.context = context;
    }

    void config(PrintStream out, String... args) throws IOException {
        Args a = new Args(args);
        boolean delete = a.flag("--delete");
        List<String> w = a.positional(0, Integer.MAX_VALUE, "");
        if (w.isEmpty()) {
            if (delete) {
                throw new IllegalArgumentException("config --delete needs BACKEND or device ADDRESS");
            }
            List<Configuration> all = list(PCIGUARD_FILTER);
            if (all.isEmpty()) {
                out.println("no pciguard configuration: every component runs with its defaults");
            }
            for (Configuration c : all) {
                print(c, out);
            }
            return;
        }
        Configuration c = switch (w.get(0)) {
            case "backend" -> {
                if (w.size() != 2 || delete) {
                    throw new IllegalArgumentException("config backend needs one NAME (sim or sysfs)");
                }
                yield update(admin.getConfiguration(ShellConfig.PID, ANY_LOCATION), ShellConfig.PID, false,
                        List.of("backend=" + w.get(1)));
            }
            case "device" -> device(w, delete);
            default -> {
                String pid = backendPid(w.get(0));
                Configuration existing = admin.getConfiguration(pid, ANY_LOCATION);
                if (delete) {
                    existing.delete();
                    yield null;
                }
                yield update(existing, pid, false, w.subList(1, w.size()));
            }
        };
        if (c != null) {
            print(c, out);
        }
    }

    /** {@code config device ADDRESS ...}: creates, updates or deletes the function's factory configuration. */
    private Configuration device(List<String> w, boolean delete) throws IOException {
        if (w.size() < 2) {
            throw new IllegalArgumentException("config device needs ADDRESS");
        }
        String address = PciAddress.parse(w.get(1)).toString();
        List<Configuration> found = list("(&(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + DEVICE_FACTORY + ")("
                + ADDRESS + "=" + address + "))");
        if (delete) {
            if (found.isEmpty()) {
                throw new IllegalArgumentException("config device " + address + ": no such configuration");
            }
            for (Configuration c : found) {
                c.delete();
            }
            return null;
        }
        Configuration c = found.isEmpty() ? admin.createFactoryConfiguration(DEVICE_FACTORY, ANY_LOCATION) : found.get(0);
        List<String> assignments = new ArrayList<>(w.subList(2, w.size()));
        assignments.add(ADDRESS + "=" + address);
        return update(c, DEVICE_FACTORY, true, assignments);
    }

    /** Sets {@code KEY=VALUE} assignments on a configuration, keeping its other properties. */
    private Configuration update(Configuration c, String pid, boolean factory, List<String> assignments)
            throws IOException {
        Optional<ObjectClassDefinition> ocd = ocd(pid, factory);
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(pid + ": '" + assignment + "' is not KEY=VALUE");
            }
            String key = assignment.substring(0, eq);
            String text = assignment.substring(eq + 1);
            props.put(key, ocd.isPresent() ? typed(pid, ocd.get(), key, text) : text);
        }
        c.update(props);
        return c;
    }

    /** A value as its attribute definition types it: scalar or comma-separated, checked against min, max and options. */
    static Object typed(String pid, ObjectClassDefinition ocd, String key, String text) {
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        AttributeDefinition ad = ads == null ? null
                : Arrays.stream(ads).filter(d -> d.getID().equals(key)).findFirst().orElse(null);
        if (ad == null) {
            throw new IllegalArgumentException(pid + ": unknown property '" + key + "' (known: "
                    + (ads == null ? "none" : Arrays.stream(ads).map(AttributeDefinition::getID)
                            .collect(Collectors.joining(", "))) + ")");
        }
        if (ad.getCardinality() == 0) {
            return scalar(pid, ad, text.strip());
        }
        List<Object> values = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                values.add(scalar(pid, ad, part.strip()));
            }
        }
        return switch (ad.getType()) {
            case AttributeDefinition.BOOLEAN -> values.toArray(Boolean[]::new);
            case AttributeDefinition.INTEGER -> values.toArray(Integer[]::new);
            case AttributeDefinition.LONG -> values.toArray(Long[]::new);
            default -> values.toArray(String[]::new);
        };
    }

    private static Object scalar(String pid, AttributeDefinition ad, String text) {
        String problem = ad.validate(text);
        if (problem != null && !problem.isEmpty()) {
            throw new IllegalArgumentException(pid + ": " + ad.getID() + "=" + text + ": " + problem);
        }
        try {
            return switch (ad.getType()) {
                case AttributeDefinition.BOOLEAN -> {
                    if (!text.equals("true") && !text.equals("false")) {
                        throw new IllegalArgumentException("not true or false");
                    }
                    yield Boolean.valueOf(text);
                }
                case AttributeDefinition.INTEGER -> Math.toIntExact(Args.number(text));
                case AttributeDefinition.LONG -> Args.number(text);
                default -> text;
            };
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(pid + ": " + ad.getID() + "=" + text + ": " + e.getMessage(), e);
        }
    }

    /** The metatype of a PID, from whichever bundle declares it. */
    private Optional<ObjectClassDefinition> ocd(String pid, boolean factory) {
        MetaTypeService m = metatype.get();
        if (m == null) {
            return Optional.empty();
        }
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = m.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            String[] pids = factory ? info.getFactoryPids() : info.getPids();
            if (pids != null && Arrays.asList(pids).contains(pid)) {
                return Optional.ofNullable(info.getObjectClassDefinition(pid, null));
            }
        }
        return Optional.empty();
    }

    /** The PID of a backend: the component name of the backend service of that name. */
    private String backendPid(String name) {
        Collection<ServiceReference<PciBackend>> refs;
        try {
            refs = context.getServiceReferences(PciBackend.class, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> names = new ArrayList<>();
        for (ServiceReference<PciBackend> ref : refs) {
            Object backend = ref.getProperty(PciBackend.NAME_PROPERTY);
            names.add(String.valueOf(backend));
            if (name.equals(backend) && ref.getProperty(COMPONENT_NAME) instanceof String pid) {
                return pid;
            }
        }
        throw new IllegalArgumentException("config: '" + name + "' is neither backend, device nor a backend present ("
                + String.join(", ", names.stream().sorted().toList()) + ")");
    }

    private List<Configuration> list(String filter) throws IOException {
        try {
            Configuration[] cs = admin.listConfigurations(filter);
            List<Configuration> list = cs == null ? new ArrayList<>() : new ArrayList<>(List.of(cs));
            list.sort((x, y) -> x.getPid().compareTo(y.getPid()));
            return list;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filter + ": " + e.getMessage(), e);
        }
    }

    /** {@code PID} (or {@code FACTORY-PID PID}), then {@code KEY = VALUE} lines in key order. */
    private static void print(Configuration c, PrintStream out) {
        out.println(c.getFactoryPid() == null ? c.getPid() : c.getFactoryPid() + " " + c.getPid());
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            return;
        }
        Map<String, Object> sorted = new TreeMap<>();
        for (String key : java.util.Collections.list(props.keys())) {
            if (!HIDDEN_KEYS.contains(key)) {
                sorted.put(key, props.get(key));
            }
        }
        sorted.forEach((k, v) -> out.println("    " + k + " = " + (v.getClass().isArray() ? arrayText(v) : v)));
    }

    private static String arrayText(Object array) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < java.lang.reflect.Array.getLength(array); i++) {
            items.add(String.valueOf(java.lang.reflect.Array.get(array, i)));
        }
        return String.join(",", items);
    }
}
