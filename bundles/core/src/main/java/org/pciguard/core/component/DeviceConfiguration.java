package org.pciguard.core.component;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The options of one passed-through device: a factory configuration of PID
 * {@value ConfiguredDevice#FACTORY_PID} per device. New options apply when the device is next opened
 * or reset; which capabilities a running guest sees never changes under it.
 */
@ObjectClassDefinition(id = ConfiguredDevice.FACTORY_PID, name = "pciguard device",
        description = "Passthrough policy of one PCI function")
public @interface DeviceConfiguration {

    /** The function, {@code dddd:bb:dd.f}. */
    @AttributeDefinition(name = "Address", description = "PCI address of the function, dddd:bb:dd.f")
    String address();

    /** Gives the guest raw read-write access to bytes outside every capability and of hidden capabilities, as vfio does. */
    @AttributeDefinition(name = "Permissive", description = "Raw read-write access to bytes outside every"
            + " capability and to bytes of hidden capabilities (vfio's behaviour); read-only otherwise")
    boolean permissive() default false;

    /** Capabilities to hide although the default policy shows them: {@code 0x05} or {@code ext:0x0001}. */
    @AttributeDefinition(name = "Hide", description = "Capabilities to hide: 0x05 (standard) or ext:0x0001 (extended)")
    String[] hide() default {};

    /** Capabilities to show although the default policy hides them (read-only without a handler). */
    @AttributeDefinition(name = "Expose", description = "Capabilities to show: 0x05 (standard) or ext:0x0001"
            + " (extended); served read-only where no handler serves them")
    String[] expose() default {};
}
