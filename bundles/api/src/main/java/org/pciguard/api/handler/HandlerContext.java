package org.pciguard.api.handler;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Supplier;

import org.osgi.annotation.versioning.ProviderType;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.virt.DeviceOptions;

/**
 * What a handler sees of one device, for the capability it serves there. Provided by the core;
 * valid only during the call it is passed to. Offsets are absolute config offsets.
 */
@ProviderType
public interface HandlerContext {

    /** The device. */
    PciAddress address();

    /**
     * What the backend reports of the function: ids, class, header type. For an SR-IOV virtual
     * function whose ID registers read 0xffff, the sysfs backend reports the PF's vendor and the VF
     * Device ID here, which a header handler serves to the guest.
     */
    DeviceDTO identity();

    /** The capability this handler serves on this device. */
    Capability capability();

    /** Every capability of the device. */
    CapabilityMap capabilities();

    /** The device's implemented BARs (host addresses included: never give them to the guest). */
    List<BarInfo> bars();

    /** The device's options. */
    DeviceOptions options();

    /** Whether the device is a PCI Express function (has a PCIe capability). */
    boolean express();

    /** Reads the config bytes as they were on the device when it was opened (no device access). */
    int snapshot(int offset, int size);

    /** Reads the shadow (the guest-visible virtual copy) at any offset. */
    int shadow(int offset, int size);

    /**
     * Changes the shadow. Only bytes of this handler's capability may be changed.
     *
     * @throws IllegalArgumentException for an offset outside the capability
     */
    void setShadow(int offset, int size, int value);

    /** Reads the device register now (one device access). */
    int device(int offset, int size);

    /** Reads the shadow of a claimed BAR region at an offset inside the BAR. */
    long region(BarRegion region, long offset, int size);

    /** Changes the shadow of a claimed BAR region. */
    void setRegion(BarRegion region, long offset, int size, long value);

    /**
     * Logs an event a guest access caused: a write the handler cannot honour (more vectors than the
     * function has, a VPD address past the end, a power state the function lacks), or a request it
     * carries out on the guest's behalf. A guest can cause these at will, so a handler never logs
     * them itself (a burst of guest writes would flood the host's log, as in Xen's XSA-130).
     * <p>
     * The core prefixes the device address and the capability (label and id), and limits such lines
     * per device and capability: the first 10 are logged, then one in every 1,000 with the count of
     * those suppressed; the supplier is not called for suppressed lines. Every report counts towards
     * the limit, whether or not the host's logger prints its level; the suppressed ones are counted
     * in {@link org.pciguard.api.virt.dto.VirtualCapabilityDTO#suppressedReports}. The
     * message names the offset and width of the access and what was done; the device and the
     * capability come from the prefix.
     *
     * @param level   the level of the line
     * @param message builds the message, called only when the line is logged
     */
    void report(Level level, Supplier<String> message);
}
