package org.pciguard.cap.vpd;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the VPD handler component (PID {@value VpdHandler#PID}). */
@ObjectClassDefinition(name = "pciguard VPD handler",
        description = "Vital Product Data (capability 0x03) of the functions passed through to guests")
public @interface VpdConfig {

    /**
     * Bytes of VPD a guest may address: a multiple of 4 from 4 to 32768 (the 15-bit VPD address
     * space, the default). A transfer whose four bytes do not all lie below it never reaches the
     * device: a read completes with 0xff bytes, a write completes and stores nothing.
     */
    @AttributeDefinition(name = "VPD size",
            description = "Bytes of VPD a guest may address, a multiple of 4 from 4 to 32768 (the whole VPD address"
                    + " space); a transfer past it never reaches the device: reads return 0xff bytes, writes store"
                    + " nothing", min = "4", max = "32768")
    int vpdSize() default VpdHandler.MAX_SIZE;
}
