/**
 * The virtualizer: per-device flattened masks and shadow, the guest access engine, handler tracking
 * and runtime snapshots.
 * <p>
 * Plain Java use (command line, benchmarks, tests): {@code var rt = new CoreRuntime(walker);}
 * then {@link org.pciguard.core.CoreRuntime#addHandler rt.addHandler(handler, properties)} for each
 * capability handler and {@code rt.open(physicalDevice)}. In OSGi, the DS components of
 * {@code org.pciguard.core.component} do the same from services and Config Admin. This package is
 * private to the bundle: other bundles reach the runtime only through {@code org.pciguard.api}.
 */
package org.pciguard.core;
