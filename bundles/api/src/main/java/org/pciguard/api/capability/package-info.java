/**
 * The capability model: what a {@link org.pciguard.api.capability.CapabilityWalker} finds in a
 * configuration space. A {@link org.pciguard.api.capability.CapabilityMap} lists every standard
 * and extended capability with id, offset, length and version, names the owner of every byte,
 * and carries the {@link org.pciguard.api.capability.Anomaly anomalies} met on the way (loops,
 * pointers out of range, overlaps...). Anomalies are data, never exceptions.
 */
@Export
@Version("1.0.0")
package org.pciguard.api.capability;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
