package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_EXP_SIZE;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.STATUS;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.capability.CapabilityKey;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The guest's capability chains and the policy for hidden capabilities and bytes outside them. */
class ChainAndPolicyTest {

    private final CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker(), new RecordingLogger());

    /** The standard chain as the guest walks it: offsets, at most 48 steps. */
    static List<Integer> guestStandardChain(VirtualDevice v) {
        List<Integer> chain = new ArrayList<>();
        if ((v.read(STATUS, 2) & Status.CAP_LIST) == 0) {
            return chain;
        }
        for (int pos = v.read(CAPABILITY_LIST, 1), steps = 0; pos != 0; pos = v.read(pos + 1, 1), steps++) {
            assertTrue(steps < 48, "the guest's standard chain loops: " + chain);
            chain.add(pos);
        }
        return chain;
    }

    /** The extended chain as the guest walks it: offsets of non-empty headers, bounded. */
    static List<Integer> guestExtendedChain(VirtualDevice v) {
        List<Integer> chain = new ArrayList<>();
        for (int pos = CFG_SPACE_SIZE, steps = 0; pos != 0; steps++) {
            assertTrue(steps < (CFG_SPACE_EXP_SIZE - CFG_SPACE_SIZE) / 4, "the guest's extended chain loops: " + chain);
            int header = v.read(pos, 4);
            if ((header & ExtCapHeader.ID_MASK) != 0) {
                chain.add(pos);
            }
            pos = (header >>> ExtCapHeader.NEXT_SHIFT) & ExtCapHeader.NEXT_MASK;
        }
        return chain;
    }

    static ConfigImage standardChain() {
        return ConfigImage.type0(CFG_SPACE_SIZE)
                .std(0x40, CapId.PM)
                .std(0x48, CapId.SLOTID)
                .std(0x50, CapId.VNDR).set(0x52, 1, 8)
                .std(0x60, CapId.AF);
    }

    static VirtualCapabilityDTO cap(VirtualDeviceDTO d, int offset) {
        for (VirtualCapabilityDTO c : d.capabilities) {
            if (c.offset == offset && !c.space.equals("header")) {
                return c;
            }
        }
        throw new AssertionError("no capability at 0x" + Integer.toHexString(offset));
    }

    @Test
    void hiddenStandardCapabilityIsRelinkedOut() {
        FakeDevice d = standardChain().device();
        VirtualDevice v = runtime.open(d);
        assertEquals(List.of(0x40, 0x50, 0x60), guestStandardChain(v));
        assertEquals(0x48, d.peek(0x41, 1), "the device's own chain is untouched");
        VirtualCapabilityDTO slot = cap(runtime.snapshot().devices[0], 0x48);
        assertTrue(slot.hidden);
        assertEquals("default policy", slot.hiddenReason);
        assertEquals(-1, slot.handlerServiceId);
    }

    @Test
    void hiddenFirstStandardCapabilityMovesTheCapabilitiesPointer() {
        VirtualDevice v = runtime.open(ConfigImage.type0(CFG_SPACE_SIZE).std(0x48, CapId.SLOTID).std(0x40, CapId.PM)
                .device());
        assertEquals(0x40, v.read(CAPABILITY_LIST, 1));
        assertEquals(List.of(0x40), guestStandardChain(v));
    }

    @Test
    void noVisibleStandardCapabilityClearsStatusCapListAndThePointer() {
        FakeDevice d = ConfigImage.type0(CFG_SPACE_SIZE).std(0x48, CapId.SLOTID).device();
        VirtualDevice v = runtime.open(d);
        assertEquals(0, v.read(STATUS, 2) & Status.CAP_LIST);
        assertEquals(0, v.read(CAPABILITY_LIST, 1));
        assertEquals(Status.CAP_LIST, d.peek(STATUS, 2) & Status.CAP_LIST);
    }

    @Test
    void loopingDeviceChainGivesAFiniteGuestChain() {
        ConfigImage image = standardChain();
        image.set(0x61, 1, 0x40);   // AF points back to PM: the device's chain loops
        VirtualDevice v = runtime.open(image.device());
        assertEquals(List.of(0x40, 0x50, 0x60), guestStandardChain(v));
        assertEquals(0, v.read(0x61, 1), "the last visible capability's next is 0");
    }

    static ConfigImage extendedChain() {
        return ConfigImage.type0(CFG_SPACE_EXP_SIZE)
                .std(0x40, CapId.EXP).set(0x42, 2, 2)  // PCIe capability version 2, endpoint
                .ext(0x100, ExtCapId.ERR, 2)
                .ext(0x140, ExtCapId.PASID, 1)
                .ext(0x150, ExtCapId.DSN, 1);
    }

    @Test
    void hiddenExtendedCapabilityIsRelinkedOut() {
        VirtualDevice v = runtime.open(extendedChain().device());
        assertEquals(List.of(0x100, 0x150), guestExtendedChain(v));
        assertEquals(ExtCapId.ERR | 2 << ExtCapHeader.VERSION_SHIFT | 0x150 << ExtCapHeader.NEXT_SHIFT, v.read(0x100, 4));
        assertEquals(ExtCapId.DSN | 1 << ExtCapHeader.VERSION_SHIFT, v.read(0x150, 4));
    }

    @Test
    void hiddenFirstExtendedCapabilityLeavesAPlaceholderHeader() {
        FakeDevice d = ConfigImage.type0(CFG_SPACE_EXP_SIZE)
                .std(0x40, CapId.EXP).set(0x42, 2, 2)
                .ext(0x100, ExtCapId.PASID, 1)
                .ext(0x140, ExtCapId.ERR, 2)
                .ext(0x180, ExtCapId.DPC, 1)
                .ext(0x1c0, ExtCapId.DSN, 1).device();
        VirtualDevice v = runtime.open(d);
        assertEquals(0x140 << ExtCapHeader.NEXT_SHIFT, v.read(0x100, 4), "id 0, version 0, next");
        assertEquals(0, v.read(0x100, 2), "the placeholder's id reads 0 at any width");
        assertEquals(List.of(0x140, 0x1c0), guestExtendedChain(v));
        v.write(0x100, 4, -1);
        assertEquals(0x140 << ExtCapHeader.NEXT_SHIFT, v.read(0x100, 4), "the placeholder is read-only");
    }

    @Test
    void noVisibleExtendedCapabilityMakesDword0x100ReadZero() {
        FakeDevice d = ConfigImage.type0(CFG_SPACE_EXP_SIZE).std(0x40, CapId.EXP).set(0x42, 2, 2)
                .ext(0x100, ExtCapId.PASID, 1).device();
        VirtualDevice v = runtime.open(d);
        assertEquals(ExtCapId.PASID | 1 << ExtCapHeader.VERSION_SHIFT, d.peek(0x100, 4));
        assertEquals(0, v.read(0x100, 4));
        assertTrue(cap(runtime.snapshot().devices[0], 0x100).hidden);
        assertEquals(List.of(), guestExtendedChain(v));
    }

    @Test
    void loopingExtendedChainGivesAFiniteGuestChain() {
        ConfigImage image = extendedChain();
        image.set(0x150, 4, image.get(0x150, 4) | 0x100 << ExtCapHeader.NEXT_SHIFT);
        VirtualDevice v = runtime.open(image.device());
        assertEquals(List.of(0x100, 0x150), guestExtendedChain(v));
    }

    @Test
    void capabilityWithoutHandlerThatIsNotHiddenByDefaultIsServedReadOnly() {
        FakeDevice d = extendedChain().set(0x154, 4, 0x12345678).device().rw(0x154, 4, -1);
        VirtualDevice v = runtime.open(d);
        assertEquals(0x12345678, v.read(0x154, 4));
        v.write(0x154, 4, 0);
        assertEquals(0x12345678, d.peek(0x154, 4), "no handler: read-only fallback");
        d.hw(0x154, 4, 0x9abcdef0);
        assertEquals(0x9abcdef0, v.read(0x154, 4), "reads pass through");
        VirtualCapabilityDTO dsn = cap(runtime.snapshot().devices[0], 0x150);
        assertFalse(dsn.hidden);
        assertEquals(1, dsn.deniedWrites);
    }

    @Test
    void hideOptionHidesACapabilityShownByDefault() {
        VirtualDevice v = runtime.open(standardChain().device(),
                new DeviceOptions(false, Set.of(CapabilityKey.parse("0x01")), Set.of()));
        assertEquals(List.of(0x50, 0x60), guestStandardChain(v));
        VirtualCapabilityDTO pm = cap(runtime.snapshot().devices[0], 0x40);
        assertTrue(pm.hidden);
        assertTrue(pm.hiddenReason.contains("configuration"), pm.hiddenReason);
    }

    @Test
    void exposeOptionShowsAHiddenCapabilityReadOnlyWithAVirtualNext() {
        FakeDevice d = standardChain().device().rw(0x48, 4, -1);
        runtime.setDeviceOptions(d.address(), new DeviceOptions(false, Set.of(),
                Set.of(new CapabilityKey(org.pciguard.api.capability.CapabilitySpace.STANDARD, CapId.SLOTID))));
        VirtualDevice v = runtime.open(d);
        assertEquals(List.of(0x40, 0x48, 0x50, 0x60), guestStandardChain(v));
        v.write(0x48, 4, 0);
        assertEquals(0x5004, d.peek(0x48, 2), "no handler for Slot ID: read-only");
    }

    @Test
    void extendedHideListUsesTheExtPrefix() {
        VirtualDevice v = runtime.open(extendedChain().device(),
                new DeviceOptions(false, Set.of(CapabilityKey.parse("ext:0x0001")), Set.of()));
        assertEquals(0x150 << ExtCapHeader.NEXT_SHIFT, v.read(0x100, 4), "AER at 0x100 hidden: placeholder");
        assertEquals(List.of(0x150), guestExtendedChain(v));
    }

    /** DESIGN.md difference 5: outside bytes and hidden capabilities are read-only unless permissive. */
    @Test
    void difference5OutsideAndHiddenBytesAreReadOnlyUnlessPermissive() {
        int outside = 0xf0;
        int hiddenBody = 0x4a;   // Slot ID at 0x48, hidden by default
        FakeDevice strict = standardChain().set(outside, 4, 0x11111111).device().rw(outside, 4, -1).rw(hiddenBody, 2, 0xffff);
        VirtualDevice v = runtime.open(strict);
        v.write(outside, 4, 0xa5a5a5a5);
        v.write(hiddenBody, 2, 0xbeef);
        assertEquals(0x11111111, strict.peek(outside, 4));
        assertEquals(0, strict.peek(hiddenBody, 2));
        strict.hw(outside, 4, 0x22222222);
        assertEquals(0x22222222, v.read(outside, 4), "reads pass through");
        assertEquals(2, runtime.snapshot().devices[0].deniedWrites);

        FakeDevice raw = standardChain().device().rw(outside, 4, -1).rw(hiddenBody, 2, 0xffff);
        CoreRuntime permissiveRuntime = new CoreRuntime(new DefaultCapabilityWalker(), new RecordingLogger());
        VirtualDevice p = permissiveRuntime.open(raw, new DeviceOptions(true, Set.of(), Set.of()));
        p.write(outside, 4, 0xa5a5a5a5);
        p.write(hiddenBody, 2, 0xbeef);
        assertEquals(0xa5a5a5a5, raw.peek(outside, 4), "permissive: raw read-write, as vfio");
        assertEquals(0xbeef, raw.peek(hiddenBody, 2));
        assertEquals(List.of(0x40, 0x50, 0x60), guestStandardChain(p), "the chain is relinked all the same");
        assertTrue(permissiveRuntime.snapshot().devices[0].permissive);
    }

    /** DESIGN.md difference 8: only type-0 functions are passed through. */
    @Test
    void difference8BridgesAreRefused() {
        for (int type : new int[] { PciRegs.HEADER_TYPE_BRIDGE, PciRegs.HEADER_TYPE_CARDBUS }) {
            FakeDevice bridge = ConfigImage.type0(CFG_SPACE_SIZE).headerType(type | PciRegs.HEADER_TYPE_MFD).device();
            PciAccessException e = assertThrows(PciAccessException.class, () -> runtime.open(bridge));
            assertTrue(e.getMessage().contains("0000:03:00.0"), e.getMessage());
            assertTrue(e.getMessage().contains("header type " + type), e.getMessage());
            assertTrue(e.getMessage().contains(type == 1 ? "PCI-to-PCI bridge" : "CardBus bridge"), e.getMessage());
            assertEquals(0, runtime.snapshot().devices.length);
        }
        VirtualDevice multiFunction = runtime.open(ConfigImage.type0(CFG_SPACE_SIZE)
                .headerType(PciRegs.HEADER_TYPE_NORMAL | PciRegs.HEADER_TYPE_MFD).device());
        assertEquals(CFG_SPACE_SIZE, multiFunction.configSize());
    }

    @Test
    void overlappingCapabilityIsHiddenAsUnsafe() {
        ConfigImage image = ConfigImage.type0(CFG_SPACE_SIZE).std(0x40, CapId.VNDR).set(0x42, 1, 16).std(0x48, CapId.PM);
        VirtualDevice v = runtime.open(image.device());
        assertEquals(List.of(0x40), guestStandardChain(v));
        VirtualCapabilityDTO pm = cap(runtime.snapshot().devices[0], 0x48);
        assertTrue(pm.hidden);
        assertTrue(pm.hiddenReason.startsWith("anomaly: OVERLAP"), pm.hiddenReason);
    }

    @Test
    void secondOpenOfTheSameAddressIsRefusedUntilClosed() {
        FakeDevice d = standardChain().device();
        VirtualDevice v = runtime.open(d);
        assertThrows(PciAccessException.class, () -> runtime.open(d));
        assertEquals(v, runtime.device(d.address()).orElseThrow());
        v.close();
        assertTrue(runtime.device(d.address()).isEmpty());
        PciAccessException e = assertThrows(PciAccessException.class, () -> v.read(0, 4));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        runtime.open(d);
    }
}
