package org.pciguard.api.capability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Every capability of one configuration space, in chain order, with the owner of every byte and
 * the anomalies met. Immutable.
 * <p>
 * The header (bytes 0x00..0x3f) is owned by the {@link CapabilitySpace#HEADER} pseudo capability.
 * Where two capabilities overlap, the bytes belong to the one met first in the chain and an
 * {@link AnomalyKind#OVERLAP} anomaly is reported. Bytes outside every capability have no owner.
 */
public final class CapabilityMap {

    private final int configSize;
    private final Capability header;
    private final List<Capability> standard;
    private final List<Capability> extended;
    private final List<Anomaly> anomalies;
    /** Index into {@link #all} of the owner of each byte, -1 for none. */
    private final short[] owner;
    private final List<Capability> all;

    /**
     * @param configSize size of the configuration space walked
     * @param header     the header pseudo capability
     * @param standard   standard capabilities in chain order
     * @param extended   extended capabilities in chain order
     * @param anomalies  anomalies in the order they were met
     */
    public CapabilityMap(int configSize, Capability header, List<Capability> standard, List<Capability> extended,
            List<Anomaly> anomalies) {
        this.configSize = configSize;
        this.header = header;
        this.standard = List.copyOf(standard);
        this.extended = List.copyOf(extended);
        this.anomalies = List.copyOf(anomalies);
        List<Capability> a = new ArrayList<>(1 + standard.size() + extended.size());
        a.add(header);
        a.addAll(standard);
        a.addAll(extended);
        this.all = Collections.unmodifiableList(a);
        this.owner = new short[configSize];
        java.util.Arrays.fill(owner, (short) -1);
        for (int i = 0; i < a.size(); i++) {
            Capability c = a.get(i);
            int end = Math.min(c.end(), configSize);
            for (int b = Math.max(0, c.offset()); b < end; b++) {
                if (owner[b] < 0) {
                    owner[b] = (short) i;
                }
            }
        }
    }

    /** Size of the configuration space walked. */
    public int configSize() {
        return configSize;
    }

    /** The header pseudo capability (id 0, offset 0, 64 bytes). */
    public Capability header() {
        return header;
    }

    /** Standard capabilities, in chain order. */
    public List<Capability> standard() {
        return standard;
    }

    /** Extended capabilities, in chain order. */
    public List<Capability> extended() {
        return extended;
    }

    /** The header, then standard, then extended capabilities. */
    public List<Capability> all() {
        return all;
    }

    /** Anomalies in the order met; empty for a well-formed space. */
    public List<Anomaly> anomalies() {
        return anomalies;
    }

    /** The capability owning the config byte at {@code offset}, if any. */
    public Optional<Capability> ownerOf(int offset) {
        if (offset < 0 || offset >= configSize) {
            return Optional.empty();
        }
        int i = owner[offset];
        return i < 0 ? Optional.empty() : Optional.of(all.get(i));
    }

    /** The first capability with this space and id, if any. */
    public Optional<Capability> find(CapabilitySpace space, int id) {
        for (Capability c : all) {
            if (c.space() == space && c.id() == id) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "CapabilityMap[size=" + configSize + ", standard=" + standard + ", extended=" + extended
                + ", anomalies=" + anomalies + "]";
    }
}
