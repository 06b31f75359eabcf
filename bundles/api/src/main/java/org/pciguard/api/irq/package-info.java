/**
 * Interrupt routing: the {@link org.pciguard.api.irq.InterruptRouter} owns every interrupt of every
 * open device (INTx, MSI vectors, MSI-X entries), their masking and pending state, and delivers
 * them to the host's {@link org.pciguard.api.irq.GuestInterruptController}.
 */
@Export
@Version("1.0.0")
package org.pciguard.api.irq;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
