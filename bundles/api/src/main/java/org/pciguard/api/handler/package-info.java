/**
 * The capability handler SPI. Each capability handler bundle registers a
 * {@link org.pciguard.api.handler.CapabilityHandler} service (annotated with
 * {@link org.pciguard.api.handler.PciCapability}) that builds the
 * {@link org.pciguard.api.handler.PermissionTable permission table} of its capability for one
 * device and reacts to guest writes by returning typed {@link org.pciguard.api.handler.Effect
 * effects}. Handlers keep no per-device state: everything the guest wrote lives in the core's
 * shadow, so a handler can be replaced under a running guest without loss.
 */
@Export
@Version("1.0.0")
package org.pciguard.api.handler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
