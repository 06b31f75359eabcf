/**
 * A {@link org.pciguard.api.irq.GuestInterruptController} that records what it is given, for hosts
 * without a hypervisor (the embedded host's replay command) and for tests: each delivery, and its line
 * in the replay format of DESIGN.md.
 */
@Export
@Version("1.0.0")
package org.pciguard.irq.recording;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
