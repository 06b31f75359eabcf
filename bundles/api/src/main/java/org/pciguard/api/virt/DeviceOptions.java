package org.pciguard.api.virt;

import java.util.Set;

import org.pciguard.api.capability.CapabilityKey;

/**
 * Per-device policy options, normally from the device's factory configuration in Config Admin.
 *
 * @param permissive true restores vfio's raw access to bytes outside every capability and to bytes
 *                   of hidden capabilities (by default they are read-only to the guest)
 * @param hide       capabilities to hide although the default policy shows them
 * @param expose     capabilities to show although the default policy hides them (served read-only
 *                   unless a handler for them is registered)
 */
public record DeviceOptions(boolean permissive, Set<CapabilityKey> hide, Set<CapabilityKey> expose) {

    /** The default policy. */
    public static final DeviceOptions DEFAULT = new DeviceOptions(false, Set.of(), Set.of());

    public DeviceOptions {
        hide = Set.copyOf(hide);
        expose = Set.copyOf(expose);
    }
}
