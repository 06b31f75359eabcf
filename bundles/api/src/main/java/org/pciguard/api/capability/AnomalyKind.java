package org.pciguard.api.capability;

/** What can be wrong with a capability chain. */
public enum AnomalyKind {
    /** The chain comes back to a capability already visited (or the step bound ran out). */
    LOOP,
    /** A pointer into the 64-byte header (standard) or below 0x100 (extended). */
    POINTER_INTO_HEADER,
    /** A pointer at or past the end of the reachable config space. */
    OUT_OF_RANGE,
    /** A pointer whose reserved low bits are set (they are masked). */
    MISALIGNED,
    /** A capability that runs past the end of config space (its length is cut). */
    PAST_END,
    /** Two capabilities claim the same bytes. */
    OVERLAP,
    /** The length of a capability could not be determined; only its header is owned. */
    UNKNOWN_LENGTH,
    /** An extended capability header reads all ones (no device, or an error response). */
    ALL_ONES_HEADER,
    /** A capability id appears more than once where the spec allows one. */
    DUPLICATE,
    /** The config space is shorter than the function's (for example 64 bytes for a non-root reader). */
    TRUNCATED
}
