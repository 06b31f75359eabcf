package org.pciguard.cap.vpd;

import java.lang.System.Logger.Level;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PciCapability;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Vpd;

/**
 * The Vital Product Data capability (0x03). The table is {@link VpdPermissions}: Address and Data
 * are virtual. A guest write that reaches the Address register's upper byte, which holds F, starts a
 * transfer (reference 3.7): F written 0 reads the four bytes at the address, F written 1 stores
 * Data there. The handler bounds the address and returns an {@link Effect.VpdAccess}; the core runs
 * the F-flag handshake on the device's VPD engine within the guest's write, at most
 * {@value Effect.VpdAccess#TIMEOUT_MILLIS} ms, and toggles F in the shadow on completion (0 to 1
 * for a read, with the data; 1 to 0 for a write). On a timeout F does not toggle and the guest's
 * driver times out, as with vfio. A guest polling F reads the shadow: the poll never reaches the
 * device and never waits for it.
 * <p>
 * <b>VPD size.</b> The device's VPD size is not in config space (Linux finds it by parsing the VPD,
 * which takes device transfers a handler cannot make at open). The bound is the configured
 * {@link VpdConfig#vpdSize()}, by default the whole 15-bit VPD address space (32 KiB). A transfer
 * whose four bytes do not all lie below it never reaches the device (an EEPROM smaller than its
 * address space wraps around, so a write there could land on the first bytes): a read completes
 * with Data 0xffffffff, as blank storage reads; a write completes (F cleared) and stores nothing.
 * Both are reported ({@link HandlerContext#report}) with offset and width; the core adds the device
 * and capability and limits the lines a guest can cause.
 * <p>
 * The guest's Address and Data start at 0, never showing the host's last transfer. Keeps no state
 * of its own.
 */
@Component(service = CapabilityHandler.class, configurationPid = VpdHandler.PID)
@Designate(ocd = VpdConfig.class)
@PciCapability(id = CapId.VPD)
public final class VpdHandler implements CapabilityHandler {

    /** Configuration PID. */
    public static final String PID = "org.pciguard.cap.vpd";
    /** Largest VPD size: the 15-bit address space, 32 KiB. */
    public static final int MAX_SIZE = Vpd.MAX_SIZE;
    /** What a read past the VPD size returns: four bytes of blank storage. */
    static final int BLANK = 0xffffffff;

    /** Bytes of one transfer. */
    private static final int TRANSFER = 4;

    private final int vpdSize;

    /**
     * The component.
     *
     * @throws IllegalArgumentException naming {@code vpdSize} when it is not a multiple of 4 from 4 to 32768
     */
    @Activate
    public VpdHandler(VpdConfig config) {
        this(config.vpdSize());
    }

    /**
     * A handler bounding transfers by {@code vpdSize} bytes (plain Java use).
     *
     * @throws IllegalArgumentException naming {@code vpdSize} when it is not a multiple of 4 from 4 to 32768
     */
    public VpdHandler(int vpdSize) {
        if (vpdSize < TRANSFER || vpdSize > MAX_SIZE || vpdSize % TRANSFER != 0) {
            throw new IllegalArgumentException("vpdSize " + vpdSize + ": must be a multiple of " + TRANSFER + " from "
                    + TRANSFER + " to " + MAX_SIZE);
        }
        this.vpdSize = vpdSize;
    }

    @Override
    public PermissionTable permissions(HandlerContext context) {
        return VpdPermissions.build();
    }

    @Override
    public List<Effect> initialize(HandlerContext context) {
        int cap = context.capability().offset();
        context.setShadow(cap + Vpd.ADDR, 2, 0);
        context.setShadow(cap + Vpd.DATA, 4, 0);
        return NONE;
    }

    @Override
    public List<Effect> configWritten(HandlerContext context, int offset, int size, int value, int before) {
        int cap = context.capability().offset();
        int flagByte = cap + Vpd.ADDR + 1;
        if (flagByte < offset || flagByte >= offset + size) {
            return NONE;
        }
        int register = context.shadow(cap + Vpd.ADDR, 2);
        int address = register & Vpd.ADDR_MASK;
        boolean write = (register & Vpd.ADDR_F) != 0;
        if (address + TRANSFER <= vpdSize) {
            return List.of(new Effect.VpdAccess(address, write, context.shadow(cap + Vpd.DATA, 4)));
        }
        context.report(Level.WARNING, () -> size + "-byte write of 0x" + Integer.toHexString(value) + " at 0x"
                + Integer.toHexString(offset) + ": VPD " + (write ? "write" : "read") + " at 0x"
                + Integer.toHexString(address) + " runs past the VPD size of " + vpdSize + " bytes; not sent to the device, "
                + (write ? "nothing stored" : "Data reads 0xffffffff"));
        if (write) {
            context.setShadow(cap + Vpd.ADDR, 2, address);
        } else {
            context.setShadow(cap + Vpd.DATA, 4, BLANK);
            context.setShadow(cap + Vpd.ADDR, 2, address | Vpd.ADDR_F);
        }
        return NONE;
    }
}
