package org.pciguard.shell;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the device commands, PID {@value #PID}. */
@ObjectClassDefinition(id = ShellConfig.PID, name = "pciguard shell",
        description = "The backend the pci commands use when none is named")
public @interface ShellConfig {

    /** The configuration PID. */
    String PID = "org.pciguard.shell";

    /** The backend whose functions {@code list} shows and whose addresses the commands look up first. */
    @AttributeDefinition(name = "Backend", description = "Backend that list shows and that addresses are looked up"
            + " in first: sim (simulated devices) or sysfs (this machine's functions)")
    String backend() default "sim";
}
