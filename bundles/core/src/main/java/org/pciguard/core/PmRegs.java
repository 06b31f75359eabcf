package org.pciguard.core;

/**
 * The Power Management registers the core itself needs to carry out power-state changes and to
 * gate BAR access in D3hot (PM 1.2, 3.2). Offsets are relative to the PM capability.
 */
final class PmRegs {

    private PmRegs() {
    }

    /** Power Management Control/Status (PMCSR), 16 bits at +4 (PM 1.2, 3.2.4). */
    static final int PMCSR = 4;
    /** PMCSR bits 1:0, RW: PowerState, D0..D3hot (PM 1.2, 3.2.4). */
    static final int PMCSR_POWER_STATE = 0x0003;
    /** PMCSR bit 15, RW1C: PME_Status; written 0 by the core's read-modify-write so it is never cleared by accident. */
    static final int PMCSR_PME_STATUS = 0x8000;
    /** PowerState value of D0, the operational state. */
    static final int D0 = 0;
    /** PowerState value of D3hot: BARs do not decode (PM 1.2, 5.4.1). */
    static final int D3HOT = 3;
}
