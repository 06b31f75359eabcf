/**
 * The virtual device a guest sees, and the runtime that opens it.
 * <p>
 * A {@link org.pciguard.api.virt.VirtualDevice} takes guest configuration and BAR accesses and
 * decides bit by bit, through per-device masks flattened from the permission tables of all
 * {@link org.pciguard.api.handler.CapabilityHandler capability handlers}, what is served from
 * the shadow copy and what reaches the physical function. The
 * {@link org.pciguard.api.virt.VirtualizationRuntime} opens and closes virtual devices and reports
 * DTO snapshots of its state.
 */
@Export
@Version("1.0.0")
package org.pciguard.api.virt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
