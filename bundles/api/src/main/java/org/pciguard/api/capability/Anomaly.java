package org.pciguard.api.capability;

/**
 * Something wrong found while walking a chain; reported, never thrown.
 *
 * @param kind   what is wrong
 * @param space  the chain it was found in
 * @param offset the config offset concerned (the pointer's target, or the capability's offset)
 * @param detail a sentence for people, naming the capabilities involved
 */
public record Anomaly(AnomalyKind kind, CapabilitySpace space, int offset, String detail) {
}
