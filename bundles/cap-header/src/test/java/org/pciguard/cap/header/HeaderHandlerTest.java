package org.pciguard.cap.header;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_1;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_2;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_3;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.DEVICE_ID;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_PIN;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;
import static org.pciguard.testing.ConfigBytes.put;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Status;

/** The handler's initial guest view and its INTx effects, on a fake context. */
class HeaderHandlerTest {

    private static final int VENDOR = 0x8086;
    private static final int DEVICE = 0x10c9;
    private static final int LINE = 0x0b;
    private static final int INTA = 1;
    private static final int HOST_COMMAND = Command.IO | Command.MEMORY | Command.MASTER | Command.SERR;

    private final HeaderHandler handler = new HeaderHandler();

    /** A function as the host left it: decode and bus master on, BARs at host addresses. */
    private static byte[] hostConfig(int vendor, int pin) {
        byte[] config = new byte[CFG_SPACE_SIZE];
        put(config, VENDOR_ID, 2, vendor);
        put(config, DEVICE_ID, 2, DEVICE);
        put(config, COMMAND, 2, HOST_COMMAND);
        put(config, STATUS, 2, Status.CAP_LIST);
        put(config, BASE_ADDRESS_0, 4, 0xf7c00000);
        put(config, BASE_ADDRESS_1, 4, 0xe000 | BaseAddress.SPACE_IO);
        put(config, BASE_ADDRESS_2, 4, 0x80000000 | BaseAddress.MEM_TYPE_64 | BaseAddress.MEM_PREFETCH);
        put(config, BASE_ADDRESS_3, 4, 0x3);
        put(config, ROM_ADDRESS, 4, 0xf7b00000 | 1);
        put(config, CAPABILITY_LIST, 1, 0x40);
        put(config, INTERRUPT_LINE, 1, LINE);
        put(config, INTERRUPT_PIN, 1, pin);
        return config;
    }

    private static FakeContext opened(int vendor, int pin) {
        return new FakeContext(hostConfig(vendor, pin), HeaderPermissionsTest.BARS);
    }

    @Test
    void barsAndRomStartAtZeroWithFlagsNeverHostAddresses() {
        FakeContext ctx = opened(VENDOR, INTA);
        handler.initialize(ctx);
        assertEquals(0, ctx.shadow(BASE_ADDRESS_0, 4));
        assertEquals(BaseAddress.SPACE_IO, ctx.shadow(BASE_ADDRESS_1, 4));
        assertEquals(BaseAddress.MEM_TYPE_64 | BaseAddress.MEM_PREFETCH, ctx.shadow(BASE_ADDRESS_2, 4));
        assertEquals(0, ctx.shadow(BASE_ADDRESS_3, 4));
        assertEquals(0, ctx.shadow(ROM_ADDRESS, 4));
    }

    @Test
    void decodeStartsOffAndIntxDisableClearOtherCommandBitsUntouched() {
        FakeContext ctx = opened(VENDOR, INTA);
        handler.initialize(ctx);
        assertEquals(HOST_COMMAND & ~(Command.IO | Command.MEMORY), ctx.shadow(COMMAND, 2));
    }

    @Test
    void idsLineAndPinAreTheDevicesAtOpen() {
        FakeContext ctx = opened(VENDOR, INTA);
        ctx.setShadow(INTERRUPT_LINE, 1, 0x55);
        handler.initialize(ctx);
        assertEquals(VENDOR, ctx.shadow(VENDOR_ID, 2));
        assertEquals(DEVICE, ctx.shadow(DEVICE_ID, 2));
        assertEquals(LINE, ctx.shadow(INTERRUPT_LINE, 1));
        assertEquals(INTA, ctx.shadow(INTERRUPT_PIN, 1));
    }

    @Test
    void statusAndCapabilityPointerAreLeftToTheCoresRelinking() {
        FakeContext ctx = opened(VENDOR, INTA);
        ctx.setShadow(STATUS, 2, 0);
        ctx.setShadow(CAPABILITY_LIST, 1, 0x50);
        handler.initialize(ctx);
        assertEquals(0, ctx.shadow(STATUS, 2));
        assertEquals(0x50, ctx.shadow(CAPABILITY_LIST, 1));
    }

    @Test
    void initializeAfterResetReturnsToTheOpenTimeView() {
        FakeContext ctx = opened(VENDOR, INTA);
        handler.initialize(ctx);
        ctx.setShadow(BASE_ADDRESS_0, 4, 0xfebf0000);
        ctx.setShadow(COMMAND, 2, HOST_COMMAND | Command.INTX_DISABLE);
        ctx.setShadow(INTERRUPT_LINE, 1, 0x55);
        List<Effect> effects = handler.initialize(ctx);
        assertEquals(0, ctx.shadow(BASE_ADDRESS_0, 4));
        assertEquals(0, ctx.shadow(COMMAND, 2) & HeaderPermissions.COMMAND_VIRTUAL);
        assertEquals(LINE, ctx.shadow(INTERRUPT_LINE, 1));
        assertEquals(List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX, true)), effects);
    }

    @Test
    void aVirtualFunctionHasNoInterruptPin() {
        FakeContext ctx = opened(HeaderPermissions.WORD, INTA);
        List<Effect> effects = handler.initialize(ctx);
        assertEquals(0, ctx.shadow(INTERRUPT_PIN, 1));
        assertEquals(HeaderPermissions.WORD, ctx.shadow(VENDOR_ID, 2), "the backend reports no ids: the hardware's stay");
        assertEquals(List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX, false)), effects);
    }

    @Test
    void aVirtualFunctionShowsTheIdsTheBackendReports() {
        FakeContext ctx = opened(HeaderPermissions.WORD, INTA);
        ctx.identity.vendorId = 0x8086;
        ctx.identity.deviceId = 0x10ca;
        handler.initialize(ctx);
        assertEquals(0x8086, ctx.shadow(VENDOR_ID, 2));
        assertEquals(0x10ca, ctx.shadow(DEVICE_ID, 2));
    }

    @Test
    void aFunctionWithoutPinStartsWithIntxDisabledForTheRouter() {
        FakeContext ctx = opened(VENDOR, 0);
        assertEquals(List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX, false)), handler.initialize(ctx));
    }

    /** Plays the core: stores the virtual writable bits of a guest write in the shadow, then calls the hook. */
    private List<Effect> guestWrite(FakeContext ctx, int offset, int size, int value) {
        PermissionTable table = handler.permissions(ctx);
        int stored = 0;
        for (int i = 0; i < size; i++) {
            stored |= (table.virtualByte(offset + i) & table.writableByte(offset + i)) << 8 * i;
        }
        int before = ctx.shadow(offset, size);
        ctx.setShadow(offset, size, before & ~stored | value & stored);
        return handler.configWritten(ctx, offset, size, value, before);
    }

    private static final List<Effect> DISABLED = List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX, false));
    private static final List<Effect> ENABLED = List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX, true));

    @Test
    void settingAndClearingIntxDisableReprogramsIntx() {
        FakeContext ctx = opened(VENDOR, INTA);
        handler.initialize(ctx);
        assertEquals(DISABLED, guestWrite(ctx, COMMAND, 2, Command.INTX_DISABLE | Command.MEMORY));
        assertEquals(ENABLED, guestWrite(ctx, COMMAND, 2, Command.MEMORY));
    }

    @Test
    void intxDisableThroughTheHighCommandByteAndADwordWrite() {
        FakeContext ctx = opened(VENDOR, INTA);
        handler.initialize(ctx);
        assertEquals(DISABLED, guestWrite(ctx, COMMAND + 1, 1, Command.INTX_DISABLE >>> 8));
        assertEquals(ENABLED, guestWrite(ctx, COMMAND, 4, Status.RW1C << 16));
    }

    @Test
    void writesThatLeaveIntxDisableAloneHaveNoEffect() {
        FakeContext ctx = opened(VENDOR, INTA);
        handler.initialize(ctx);
        assertEquals(CapabilityHandler.NONE, guestWrite(ctx, COMMAND, 2, Command.MEMORY | Command.MASTER));
        assertEquals(CapabilityHandler.NONE, guestWrite(ctx, COMMAND, 1, 0xff));
        assertEquals(CapabilityHandler.NONE, guestWrite(ctx, STATUS, 2, Status.RW1C));
        assertEquals(CapabilityHandler.NONE, handler.configWritten(ctx, BASE_ADDRESS_0, 4, -1, 0));
        assertEquals(CapabilityHandler.NONE, handler.configWritten(ctx, INTERRUPT_LINE, 1, 0x0a, LINE));
    }

    @Test
    void withoutPinIntxStaysDisabledForTheRouter() {
        FakeContext ctx = opened(VENDOR, 0);
        handler.initialize(ctx);
        assertEquals(DISABLED, guestWrite(ctx, COMMAND, 2, Command.INTX_DISABLE));
        assertEquals(DISABLED, guestWrite(ctx, COMMAND, 2, 0));
    }

    @Test
    void permissionsFollowTheDevicesBars() {
        FakeContext ctx = opened(VENDOR, INTA);
        assertEquals(0xc0, handler.permissions(ctx).writableByte(BASE_ADDRESS_0 + 1));
        assertEquals(0, HeaderPermissions.build(List.of()).writableByte(BASE_ADDRESS_0 + 1));
    }
}
