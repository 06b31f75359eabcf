package org.pciguard.api.access;

/**
 * A device access failed or was refused. The message always names the device address and, for an
 * access, the offset and width (and the capability where one is concerned), for example
 * {@code 0000:01:00.0: config write of 4 bytes at 0x0e: unaligned}.
 */
public class PciAccessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Offset of an access, or -1 where the failure is not about one access. */
    private final long offset;
    /** Width of an access in bytes, or 0. */
    private final int width;
    private final transient PciAddress device;

    public PciAccessException(PciAddress device, String message) {
        this(device, -1, 0, message, null);
    }

    public PciAccessException(PciAddress device, String message, Throwable cause) {
        this(device, -1, 0, message, cause);
    }

    public PciAccessException(PciAddress device, long offset, int width, String message) {
        this(device, offset, width, message, null);
    }

    public PciAccessException(PciAddress device, long offset, int width, String message, Throwable cause) {
        super(compose(device, offset, width, message), cause);
        this.device = device;
        this.offset = offset;
        this.width = width;
    }

    private static String compose(PciAddress device, long offset, int width, String message) {
        StringBuilder b = new StringBuilder();
        b.append(device == null ? "(no device)" : device.toString()).append(": ");
        if (offset >= 0) {
            b.append(width).append("-byte access at 0x").append(Long.toHexString(offset)).append(": ");
        }
        return b.append(message).toString();
    }

    /** The device concerned, or null. */
    public PciAddress device() {
        return device;
    }

    /** The access offset, or -1. */
    public long offset() {
        return offset;
    }

    /** The access width in bytes, or 0. */
    public int width() {
        return width;
    }
}
