package org.pciguard.backend.sim;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the simulated backend component. */
@ObjectClassDefinition(name = "pciguard simulated backend",
        description = "Simulated PCI functions built from lspci configuration-space dumps")
public @interface SimBackendConfig {

    /** Directory of device files ({@code *.lspci}, with {@code NAME.vvv.txt} siblings); empty for the shipped set. */
    @AttributeDefinition(name = "Device directory",
            description = "Directory of device files (*.lspci, optional NAME.vvv.txt siblings); empty for the shipped real devices")
    String deviceDirectory() default "";

    /** Bytes of synthetic VPD behind each VPD capability: a multiple of 4 from 64 to 32768. */
    @AttributeDefinition(name = "VPD size", description = "Bytes of synthetic VPD behind each VPD capability: a multiple of 4 from 64 to 32768",
            min = "64", max = "32768")
    int vpdSize() default SimulatedBackend.DEFAULT_VPD_SIZE;
}
