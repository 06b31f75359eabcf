package org.pciguard.api.access;

/** The kinds of interrupt a PCI function signals. */
public enum InterruptKind {
    /** Legacy level-triggered INTx on the function's interrupt pin. */
    INTX,
    /** Message Signalled Interrupt, vector 0..31 (PCI 3.0, 6.8.1). */
    MSI,
    /** MSI-X, table entry 0..2047 (PCI 3.0, 6.8.2). */
    MSIX
}
