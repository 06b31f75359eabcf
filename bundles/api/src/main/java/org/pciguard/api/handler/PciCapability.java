package org.pciguard.api.handler;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type of a {@link CapabilityHandler}: put it on the component class instead of
 * string properties. {@code @PciCapability(id = PciRegs.CapId.MSI)} yields the service properties
 * {@code pciguard.capability.id=5} and {@code pciguard.capability.space=standard}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PciCapability {

    /** Prefix of the generated property names. */
    String PREFIX_ = "pciguard.capability.";

    /** The capability id served ({@value CapabilityHandler#CAPABILITY_ID}); 0 for the header. */
    int id();

    /** {@code header}, {@code standard} or {@code extended} ({@value CapabilityHandler#CAPABILITY_SPACE}). */
    String space() default "standard";
}
