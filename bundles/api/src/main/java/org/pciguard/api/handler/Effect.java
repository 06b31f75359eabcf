package org.pciguard.api.handler;

import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.ResetKind;

/**
 * What a handler asks the core to do after a guest write (or at initialization). Handlers never
 * act on the device, the router or the core themselves: they return effects, and the core carries
 * them out, in order, after the write has been merged.
 */
public sealed interface Effect {

    /** The guest asked for a function reset (PCIe Initiate FLR, AF FLR). */
    record ResetRequest(ResetKind kind) implements Effect {
    }

    /**
     * The guest changed the power state (PMCSR PowerState); the host carries the change out on the
     * device.
     *
     * @param from the D-state before (0..3)
     * @param to   the D-state asked for (0..3; 3 is D3hot)
     */
    record PowerStateChange(int from, int to) implements Effect {
    }

    /**
     * The guest started a VPD transfer through the virtual VPD Address and Data registers (PCI 3.0,
     * 6.4 and I): the core runs the F-flag handshake on the device's registers of the handler's VPD
     * capability, at most {@link #TIMEOUT_MILLIS} long, under the device's lock. On completion it
     * stores what the guest sees in the shadow: for a read, the four bytes in VPD Data and the address
     * with F set; for a write, the address with F clear. On a timeout or a read-only backend, the shadow
     * stays as the guest wrote it, so F never toggles and the guest's driver times out, as with vfio
     * (reference 3.7); the core logs it.
     *
     * @param address the VPD byte address, 0..0x7fff, which the handler has checked against the VPD size
     * @param write   true to store {@code data}, false to read four bytes
     * @param data    the four bytes to store, the first in the low byte; ignored for a read
     */
    record VpdAccess(int address, boolean write, int data) implements Effect {

        /** How long the device gets to toggle F: 125 ms, as Linux's {@code pci_vpd_wait}. */
        public static final long TIMEOUT_MILLIS = 125;
    }

    /**
     * The guest changed whether interrupts of a kind are enabled. The router acts on it for INTx
     * (a pin, and INTx Disable clear); MSI and MSI-X are programmed by {@link MsiProgrammed},
     * {@link MsixControl} and {@link MsixEntryProgrammed}, which carry the whole state.
     *
     * @param kind    INTx, MSI or MSI-X
     * @param enabled whether that kind is enabled after the write
     */
    record InterruptReprogrammed(InterruptKind kind, boolean enabled) implements Effect {
    }

    /**
     * The guest changed MSI programming; the router keeps it.
     *
     * @param enabled MSI Enable
     * @param address message address (upper half 0 for a 32-bit capability)
     * @param data    message data
     * @param vectors enabled vectors, 2^MME, never above Multiple Message Capable
     * @param mask    per-vector mask bits, 0 without per-vector masking
     */
    record MsiProgrammed(boolean enabled, long address, int data, int vectors, int mask) implements Effect {
    }

    /**
     * The guest changed MSI-X Enable or Function Mask.
     *
     * @param enabled      MSI-X Enable
     * @param functionMask Function Mask
     * @param tableSize    entries in the table
     */
    record MsixControl(boolean enabled, boolean functionMask, int tableSize) implements Effect {
    }

    /** The guest changed one MSI-X table entry (address, data or vector-control mask). */
    record MsixEntryProgrammed(int entry, long address, int data, boolean masked) implements Effect {
    }

    /**
     * The handler emulates a region of BAR space from now on. The core carries the claim out after
     * the hook returns: the region starts as zeros and the handler sets its contents in
     * {@link CapabilityHandler#regionClaimed}. A region outside an implemented BAR, or overlapping
     * another claimed region, is refused and logged.
     */
    record BarRegionClaim(BarRegion region) implements Effect {
    }
}
