package org.pciguard.api.handler;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.capability.Capability;

/**
 * Serves one capability id: builds the capability's permission table for a device and reacts to
 * guest writes with typed {@link Effect effects}. Registered as an OSGi service with
 * {@link #CAPABILITY_ID} and {@link #CAPABILITY_SPACE} (use {@link PciCapability}); per capability
 * id the service of highest {@code service.ranking} serves, the others are shadowed.
 * <p>
 * A handler keeps no per-device state: what the guest wrote lives in the core's shadow, reached
 * through the {@link HandlerContext}. That is what lets a handler bundle be replaced, restarted or
 * shadowed under a running guest without loss. A handler that throws is quarantined for that device
 * and its capability served read-only.
 */
@ConsumerType
public interface CapabilityHandler {

    /** Service property: the capability id served (Integer); 0 for the header. */
    String CAPABILITY_ID = "pciguard.capability.id";

    /** Service property: {@code header}, {@code standard} or {@code extended}. */
    String CAPABILITY_SPACE = "pciguard.capability.space";

    /** No effect: return this rather than allocating an empty list. */
    List<Effect> NONE = List.of();

    /**
     * The length of this capability at the capability's offset. The default is the walker's length;
     * a handler overrides it for capabilities whose length the walker cannot know (a vendor quirk).
     *
     * @param capability the capability as the walker found it
     * @param config     the config bytes at open, read-only, little-endian
     */
    default int length(Capability capability, ByteBuffer config) {
        return capability.length();
    }

    /**
     * What is wrong with this capability on this device that the walker, which sees config bytes
     * only, cannot find: its structure checked against the device's BARs (an MSI-X table or PBA
     * outside its BAR). The core then hides the capability, as it hides one with an unsafe walker
     * anomaly, and reports the reason. Asked when the device is opened and at each reset, where
     * visibility is decided; a capability that no handler serves is not asked. The default finds
     * nothing.
     *
     * @param capability the capability as the walker found it
     * @param config     the config bytes at open, read-only, little-endian
     * @param bars       the device's implemented BARs
     * @return a sentence naming what is wrong, or empty when the capability may be shown
     */
    default Optional<String> anomaly(Capability capability, ByteBuffer config, List<BarInfo> bars) {
        return Optional.empty();
    }

    /**
     * The permission table of this capability on one device, relative to the capability's start,
     * of (at least) the capability's length. Called when a device is opened and when this handler
     * takes over an open device.
     */
    PermissionTable permissions(HandlerContext context);

    /**
     * Sets the initial guest-visible values of the capability's virtual bits (the shadow starts as
     * the device's bytes) and claims BAR regions. Called when the device is opened and after each
     * reset, not on takeover.
     *
     * @return effects to carry out, usually {@link #NONE} or BAR region claims
     */
    default List<Effect> initialize(HandlerContext context) {
        return NONE;
    }

    /**
     * A guest write touching this capability has been merged (shadow and device updated per the
     * permission table).
     *
     * @param offset absolute config offset of the write
     * @param size   1, 2 or 4
     * @param value  the value the guest wrote
     * @param before the guest-visible value at that offset and width before the write
     * @return effects to carry out, usually {@link #NONE}
     */
    default List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        return NONE;
    }

    /**
     * The interrupt router changed the pending bit of one of this capability's sources (an MSI
     * vector or MSI-X entry raised while masked, or delivered on unmask): the handler reflects it in
     * the guest-visible pending register (MSI Pending Bits in the shadow, the PBA region).
     */
    default void pendingChanged(HandlerContext context, InterruptKind kind, int index, boolean pending) {
    }

    /**
     * A BAR region this handler claimed ({@link Effect.BarRegionClaim}) is now emulated; it reads
     * all zeros, never what the device holds there. The handler sets its initial guest-visible
     * contents with {@link HandlerContext#setRegion} (MSI-X entries start masked). Called right
     * after the claim is carried out: at open and after each reset, not on takeover.
     */
    default void regionClaimed(HandlerContext context, BarRegion region) {
    }

    /**
     * Whether the guest may make this access to a BAR region this handler claimed, asked before the
     * access is served: a refused access fails with a {@link PciAccessException} as a malformed
     * access does, is counted, and changes nothing (the region's shadow keeps its bytes,
     * {@link #regionWritten} is not called). The core has already checked that the access is
     * naturally aligned and inside the region. Called on the guest's access path: it must not
     * allocate or block. The default takes every access.
     *
     * @param offset offset inside the BAR
     * @param size   1, 2, 4 or 8
     * @param write  true for a write
     */
    default boolean regionAccess(HandlerContext context, BarRegion region, long offset, int size, boolean write) {
        return true;
    }

    /**
     * A guest wrote into a BAR region this handler claimed; the region's shadow is already updated.
     *
     * @return effects to carry out, usually {@link #NONE}
     */
    default List<Effect> regionWritten(HandlerContext context, BarRegion region, long offset, int size, long value) {
        return NONE;
    }
}
