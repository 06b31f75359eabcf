package org.pciguard.api.access;

/** Function resets a backend may offer. */
public enum ResetKind {
    /** PCI Express Function Level Reset (Device Control bit 15, PCIe Base 6.0 6.6.2). */
    FLR,
    /** Advanced Features FLR (AF Control bit 0, PCI AF ECN). */
    AF_FLR,
    /** D3hot to D0 transition of a function without No_Soft_Reset (PCI PM 1.2, 5.4.1). */
    PM,
    /** Secondary bus reset through the upstream bridge. */
    BUS
}
