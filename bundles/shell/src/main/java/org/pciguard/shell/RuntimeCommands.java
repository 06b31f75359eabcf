package org.pciguard.shell;

import java.util.Arrays;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.virt.VirtualizationRuntime;

/**
 * {@code pci:handlers}, {@code pci:runtime} and {@code pci:irq}: what the virtualization runtime and
 * the interrupt router report.
 */
@Component(service = RuntimeCommands.class)
@PciCommand(function = {"handlers", "runtime", "irq"})
public final class RuntimeCommands {

    private final VirtualizationRuntime runtime;

    /** The interrupt router, when its bundle runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile InterruptRouter router;

    @Activate
    public RuntimeCommands(@Reference VirtualizationRuntime runtime) {
        this.runtime = runtime;
    }

    /** {@code handlers}: every handler service, active or shadowed, and what serves each capability of each open device. */
    public void handlers(String... args) {
        new Args(args).none("handlers");
        RuntimeFormat.handlers(runtime.snapshot(), System.out);
    }

    /** {@code runtime}: the runtime's DTO snapshot as JSON. */
    public void runtime(String... args) {
        new Args(args).none("runtime");
        System.out.println(DtoJson.write(runtime.snapshot()));
    }

    /** {@code irq [ADDRESS]}: the interrupt routes of every device, or of one. */
    public void irq(String... args) {
        List<String> w = new Args(args).positional(0, 1, "irq takes at most one ADDRESS");
        InterruptRouter r = router;
        if (r == null) {
            throw new IllegalStateException("no interrupt router: the bundle org.pciguard.irq is not running");
        }
        String device = w.isEmpty() ? null : PciAddress.parse(w.get(0)).toString();
        List<RouteDTO> routes = Arrays.stream(r.snapshot()).filter(x -> device == null || device.equals(x.device))
                .toList();
        RuntimeFormat.routes(routes, System.out);
    }
}
