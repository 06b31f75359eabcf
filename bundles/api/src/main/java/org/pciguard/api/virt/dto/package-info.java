/**
 * Snapshots of the virtualization runtime: open devices, their capabilities and the handler
 * serving each, shadowed handlers, hidden capabilities and denied-write counters.
 */
@Export
@Version("1.0.0")
package org.pciguard.api.virt.dto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
