package org.pciguard.api.access;

import java.util.List;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;
import org.pciguard.api.access.dto.DeviceDTO;

/**
 * One open physical PCI function, as a backend reaches it.
 * <p>
 * Configuration accesses are 1, 2 or 4 bytes, naturally aligned, inside {@link #configSize()},
 * and reach the function at exactly that width: one call is one bus transaction. Values are the
 * little-endian interpretation of the bytes, in the low {@code 8*size} bits. Anything else is
 * refused with a {@link PciAccessException} naming the device, offset and width, and changes
 * nothing. Implementations are safe for use by several threads.
 */
@ProviderType
public interface PhysicalDevice extends AutoCloseable {

    /** The function's address. */
    PciAddress address();

    /** A snapshot of what identifies the function (ids, class, header type, source). */
    DeviceDTO describe();

    /**
     * Size of the configuration space this backend can reach: 256 (conventional) or 4096
     * (PCI Express extended). A backend that can reach less than the function has (a non-root
     * sysfs reader sees 64 bytes) reports what it reaches, and {@link DeviceDTO#truncated} says so.
     */
    int configSize();

    /**
     * Reads a configuration register.
     *
     * @param offset config offset, aligned to {@code size}
     * @param size   1, 2 or 4
     * @return the value, zero-extended
     * @throws PciAccessException when the access is malformed or the device failed
     */
    int readConfig(int offset, int size);

    /**
     * Writes a configuration register, with the semantics of the hardware (read-only bits keep
     * their value, RW1C bits clear where a 1 is written).
     *
     * @throws PciAccessException when the access is malformed, the device failed, or the backend
     *                            is read-only
     */
    void writeConfig(int offset, int size, int value);

    /** The implemented BARs and the Expansion ROM, in index order; unimplemented ones are absent. */
    List<BarInfo> bars();

    /**
     * Reads BAR memory (or I/O space).
     *
     * @param bar    BAR index 0..5, or {@link BarInfo#ROM_INDEX}
     * @param offset offset inside the BAR, aligned to {@code size}
     * @param size   1, 2, 4 or 8
     */
    long readBar(int bar, long offset, int size);

    /** Writes BAR memory (or I/O space); see {@link #readBar}. */
    void writeBar(int bar, long offset, int size, long value);

    /** The resets this backend can perform on the function. */
    Set<ResetKind> resets();

    /**
     * Resets the function.
     *
     * @throws PciAccessException when the reset is not in {@link #resets()} or failed
     */
    void reset(ResetKind kind);

    /** Whether writes reach the function (false for a read-only backend). */
    boolean writable();

    /** Sets the listener for the interrupts the function raises; {@code null} removes it. */
    void setInterruptListener(DeviceInterruptListener listener);

    /**
     * Makes the function raise an interrupt, as its hardware would (simulation and tests).
     *
     * @param kind  INTx, MSI or MSI-X
     * @param index MSI vector or MSI-X entry, 0 for INTx
     * @throws PciAccessException when the backend cannot raise interrupts on request (the sysfs
     *                            backend cannot), or the function has no such source
     */
    void raiseInterrupt(InterruptKind kind, int index);

    /** Adds an observer of every host-side access. */
    void addAccessListener(AccessListener listener);

    /** Removes an observer added with {@link #addAccessListener}. */
    void removeAccessListener(AccessListener listener);

    /** Releases the function; further accesses fail. */
    @Override
    void close();
}
