package org.pciguard.api.virt;

import org.osgi.annotation.versioning.ProviderType;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.ResetKind;

/**
 * The device a guest sees. Every method may be called from several vCPU threads at once; each
 * access is atomic. An access that is malformed (width not 1, 2 or 4, not naturally aligned, outside
 * config space or the BAR) is refused with a {@link PciAccessException} naming device, offset and
 * width, and changes nothing; the hypervisor turns that into whatever its guest should see. A
 * failing handler never makes an access throw: it is quarantined and its capability served
 * read-only.
 */
@ProviderType
public interface VirtualDevice {

    /** The physical function behind this virtual device. */
    PciAddress address();

    /** Size of the guest-visible configuration space (256 or 4096). */
    int configSize();

    /**
     * A guest configuration read.
     *
     * @param offset config offset, aligned to {@code size}
     * @param size   1, 2 or 4
     * @return the guest-visible value
     */
    int read(int offset, int size);

    /** A guest configuration write; see {@link #read}. */
    void write(int offset, int size, int value);

    /**
     * A guest access to BAR space (memory or I/O). Refused (all ones) while the guest's decode for
     * that BAR is off or the function is in D3hot; regions claimed by handlers (the MSI-X table)
     * are emulated, the rest reach the device.
     *
     * @param bar    BAR index 0..5
     * @param offset offset inside the BAR
     * @param size   1, 2, 4 or 8
     */
    long barRead(int bar, long offset, int size);

    /** A guest write to BAR space; see {@link #barRead}. */
    void barWrite(int bar, long offset, int size, long value);

    /**
     * A host-initiated reset of the function: the device is reset through the backend, the guest
     * view returns to its open-time state and the host-owned state (real BARs, interrupt
     * programming) is restored.
     */
    void reset(ResetKind kind);

    /** Closes the device; further accesses are refused. */
    void close();
}
