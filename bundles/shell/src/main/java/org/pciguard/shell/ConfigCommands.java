package org.pciguard.shell;

import java.io.IOException;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.MetaTypeService;

/** {@code pci:config}: the pciguard configurations in Config Admin (see {@link ConfigShell}). */
@Component(service = ConfigCommands.class)
@PciCommand(function = "config")
public final class ConfigCommands {

    private final ConfigShell shell;

    /** Types the values where a metatype service runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetaTypeService metatype;

    @Activate
    public ConfigCommands(@Reference ConfigurationAdmin admin, BundleContext context) {
        this.shell = new ConfigShell(admin, () -> metatype, context);
    }

    /**
     * {@code config}, {@code config backend NAME}, {@code config BACKEND KEY=VALUE...},
     * {@code config device ADDRESS KEY=VALUE...}, {@code config (BACKEND | device ADDRESS) --delete}.
     */
    public void config(String... args) throws IOException {
        shell.config(System.out, args);
    }
}
