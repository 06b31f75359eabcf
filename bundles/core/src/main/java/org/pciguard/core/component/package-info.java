/**
 * The OSGi face of the core: a DS component that runs a {@link org.pciguard.core.CoreRuntime}, tracks
 * capability handlers dynamically and greedily, registers the
 * {@link org.pciguard.api.virt.VirtualizationRuntime} service with {@code service.changecount}, and
 * one component per factory configuration {@code org.pciguard.device} carrying a device's options.
 */
package org.pciguard.core.component;
