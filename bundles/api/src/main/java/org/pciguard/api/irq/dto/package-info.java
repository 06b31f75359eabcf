/** Snapshots of interrupt routes: source, target, mask, pending and counters. */
@Export
@Version("1.0.0")
package org.pciguard.api.irq.dto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
