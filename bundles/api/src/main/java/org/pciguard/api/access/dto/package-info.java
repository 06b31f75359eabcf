/**
 * Data transfer objects of the access SPI: plain public-field snapshots, safe to hand to shells,
 * management tools and tests.
 */
@Export
@Version("1.0.0")
package org.pciguard.api.access.dto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
