package org.pciguard.backend.sim;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.PciAddress;

/**
 * One parsed device file: the configuration bytes of the dump (the power-on image of the simulated
 * function), its BARs with their sizes, the header line and what the loader had to guess.
 * Immutable.
 */
public final class DeviceImage {

    private final String source;
    private final PciAddress address;
    private final String description;
    private final byte[] config;
    private final List<BarInfo> bars;
    private final List<String> warnings;

    /**
     * @param source      the file name the image came from
     * @param address     the address of the header line, or null when the file has none
     * @param description the header line's text after the address, or the file name
     * @param config      64, 256 or 4096 configuration bytes (copied)
     * @param bars        the implemented BARs and ROM in index order
     * @param warnings    what the loader inferred or ignored, one sentence each
     */
    public DeviceImage(String source, PciAddress address, String description, byte[] config, List<BarInfo> bars,
            List<String> warnings) {
        this.source = Objects.requireNonNull(source, "source");
        this.address = address;
        this.description = Objects.requireNonNull(description, "description");
        this.config = config.clone();
        this.bars = List.copyOf(bars);
        this.warnings = List.copyOf(warnings);
    }

    /** The file name the image came from. */
    public String source() {
        return source;
    }

    /** The address on the dump's header line, if it had one. */
    public Optional<PciAddress> address() {
        return Optional.ofNullable(address);
    }

    /** The header line's text after the address (or the file name when there was no header line). */
    public String description() {
        return description;
    }

    /** A copy of the configuration bytes. */
    public byte[] config() {
        return config.clone();
    }

    /** Number of configuration bytes in the dump: 64, 256 or 4096. */
    public int configSize() {
        return config.length;
    }

    /** The implemented BARs and Expansion ROM, in index order, with their sizes. */
    public List<BarInfo> bars() {
        return bars;
    }

    /** What the loader inferred (BAR sizes from alignment) or ignored, one sentence each. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return source + " (" + description + ")";
    }
}
