/**
 * The simulated PCI backend: functions built from {@code lspci -x/-xxx/-xxxx} dumps of real
 * devices that behave like hardware (read-only, read-write and RW1C bits, BAR size masks, FLR,
 * power states, a VPD engine, BAR memory, interrupts on request).
 * <p>
 * Plain Java entry points: {@link org.pciguard.backend.sim.SimulatedBackend#shipped()},
 * {@link org.pciguard.backend.sim.SimulatedBackend#fromDirectory(java.nio.file.Path)},
 * {@link org.pciguard.backend.sim.SimulatedBackend#openFile(java.nio.file.Path)} and
 * {@link org.pciguard.backend.sim.DeviceFiles#load(java.nio.file.Path)}. In a framework the backend
 * is a component registered as {@link org.pciguard.api.access.PciBackend} with
 * {@code pciguard.backend=sim}.
 */
@Export
@Version("1.0.0")
package org.pciguard.backend.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
