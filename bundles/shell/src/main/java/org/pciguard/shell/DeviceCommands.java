package org.pciguard.shell;

import java.io.IOException;
import java.text.ParseException;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.irq.GuestInterruptController;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.virt.VirtualizationRuntime;

/**
 * {@code pci:list}, {@code pci:caps}, {@code pci:dump}, {@code pci:replay}, {@code pci:read},
 * {@code pci:write} and {@code pci:close}: the device commands of {@link DeviceShell}, printing to the session. Immediate:
 * the functions {@code read} and {@code write} open stay open between commands, which a delayed
 * component, deactivated when the shell releases it after each command, would close.
 */
@Component(service = DeviceCommands.class, configurationPid = ShellConfig.PID, immediate = true)
@Designate(ocd = ShellConfig.class)
@PciCommand(function = {"list", "caps", "dump", "read", "write", "close", "replay"})
public final class DeviceCommands {

    private final DeviceShell shell;

    /** The backends present; replaced by SCR as they come and go. */
    @Reference(policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<PciBackend> backends;

    /** The interrupt router, when its bundle runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile InterruptRouter router;

    @Activate
    public DeviceCommands(@Reference CapabilityWalker walker, @Reference VirtualizationRuntime runtime,
            ShellConfig config, BundleContext context) {
        this.shell = new DeviceShell(walker, runtime, () -> backends, () -> router, controller -> {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
            ServiceRegistration<GuestInterruptController> r = context.registerService(GuestInterruptController.class,
                    controller, props);
            return r::unregister;
        }, config.backend());
    }

    @Deactivate
    void deactivate() {
        shell.close();
    }

    /** {@code list [--backend sim|sysfs] [--devices DIR] [--caps]}. */
    public void list(String... args) throws IOException {
        shell.list(System.out, args);
    }

    /** {@code caps DEVICE}. */
    public void caps(String... args) throws IOException {
        shell.caps(System.out, args);
    }

    /** {@code dump DEVICE [--guest | --compare]}. */
    public void dump(String... args) throws IOException {
        shell.dump(System.out, args);
    }

    /** {@code replay DEVICE [--script FILE] [--permissive] [--trace]}, the script from the session's input by default. */
    public void replay(String... args) throws IOException, ParseException {
        shell.replay(System.in, System.out, args);
    }

    /** {@code read ADDRESS SIZE OFFSET}. */
    public void read(String... args) {
        shell.read(System.out, args);
    }

    /** {@code write ADDRESS SIZE OFFSET VALUE}. */
    public void write(String... args) {
        shell.write(System.out, args);
    }

    /** {@code close ADDRESS}. */
    public void close(String... args) {
        shell.close(System.out, args);
    }
}
