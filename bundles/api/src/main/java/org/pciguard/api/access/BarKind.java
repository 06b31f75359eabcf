package org.pciguard.api.access;

/** What a base address register decodes (PCI Local Bus 3.0, 6.2.5.1). */
public enum BarKind {
    /** 32-bit memory space (type 00b). */
    MEMORY32,
    /** 64-bit memory space (type 10b); the BAR takes two registers, the next one holds the upper half. */
    MEMORY64,
    /** I/O space (bit 0 set). */
    IO,
    /** The Expansion ROM base address register (0x30 in a type-0 header). */
    ROM
}
