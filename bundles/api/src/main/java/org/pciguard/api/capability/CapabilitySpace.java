package org.pciguard.api.capability;

/** Where a capability lives. */
public enum CapabilitySpace {
    /** The 64-byte type-0/1/2 header itself, seen as a capability of id 0 at offset 0. */
    HEADER("header"),
    /** A capability in the list starting at Capabilities Pointer (0x34), in 0x40..0xff. */
    STANDARD("standard"),
    /** A PCI Express extended capability in the list starting at 0x100. */
    EXTENDED("extended");

    private final String property;

    CapabilitySpace(String property) {
        this.property = property;
    }

    /** The value used in the {@code pciguard.capability.space} service property. */
    public String property() {
        return property;
    }

    /** The space whose {@link #property()} is {@code value}. */
    public static CapabilitySpace fromProperty(String value) {
        for (CapabilitySpace s : values()) {
            if (s.property.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown capability space '" + value + "' (header, standard or extended)");
    }
}
