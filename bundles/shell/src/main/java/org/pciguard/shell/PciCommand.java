package org.pciguard.shell;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type of a command component: {@code @PciCommand(function = {"list", "caps"})}
 * yields {@code osgi.command.scope=pci} and {@code osgi.command.function=[list, caps]}, the service
 * properties the Gogo runtime and Karaf's shell look for.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface PciCommand {

    /** Prefix of the generated property names. */
    String PREFIX_ = "osgi.command.";

    /** The command scope of every pciguard command. */
    String SCOPE = "pci";

    /** {@code osgi.command.scope}. */
    String scope() default SCOPE;

    /** {@code osgi.command.function}: the public methods that are commands. */
    String[] function();
}
