package org.pciguard.backend.sysfs;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@link SysfsBackend} component. */
@ObjectClassDefinition(name = "pciguard sysfs backend",
        description = "Real PCI functions through Linux sysfs; read-only unless writable is set")
public @interface SysfsBackendConfig {

    @AttributeDefinition(name = "Root", description = "Directory holding one directory per PCI function,"
            + " named dddd:bb:dd.f")
    String root() default "/sys/bus/pci/devices";

    @AttributeDefinition(name = "Writable", description = "Let config writes, BAR accesses and resets reach the"
            + " devices. Off, the backend only reads config space.")
    boolean writable() default false;
}
