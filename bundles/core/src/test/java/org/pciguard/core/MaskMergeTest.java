package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.STATUS;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * The mask merge of DESIGN.md, bit by bit, on a vendor-specific capability at 0x40 whose test
 * handler declares one register of each kind.
 */
class MaskMergeTest {

    /** The capability. */
    static final int CAP = 0x40;
    /** Vendor-specific length byte (+2): read-only pass-through, no table line. */
    static final int LEN = CAP + 2;
    /** +4, 4 bytes: virtual read-write. */
    static final int VIRT_RW = CAP + 4;
    /** +8, 2 bytes: low byte virtual read-write, high byte device read-write. */
    static final int MIXED = CAP + 8;
    /** +0xa, 2 bytes: bits 3:0 virtual RW1C, bits 11:8 device RW1C, bits 15:12 device RW. */
    static final int W1C = CAP + 0xa;
    /** +0xc, 4 bytes: constant. */
    static final int CONST = CAP + 0xc;

    static PermissionTable vendorTable() {
        return PermissionTable.builder(16)
                .at(4, 4).virtual(-1).writable(-1).because("scratch register kept in the shadow")
                .at(8, 2).virtual(0x00ff).writable(0xffff).because("low byte virtual, high byte on the device")
                .at(0xa, 2).virtual(0x000f).writeOneToClear(0x000f | 0x0f00).writable(0xf000)
                    .because("virtual RW1C, device RW1C and device RW bits")
                .at(0xc, 4).constant(-1).because("fixed by hardware")
                .build();
    }

    FakeDevice fake;
    CoreRuntime runtime;
    VirtualDevice vd;
    final List<String> trace = new ArrayList<>();

    @BeforeEach
    void open() {
        fake = ConfigImage.type0(CFG_SPACE_SIZE).std(CAP, CapId.VNDR).set(LEN, 1, 16)
                .set(VIRT_RW, 4, 0x11223344).set(MIXED, 2, 0xab12).set(W1C, 2, 0x0f0f).set(CONST, 4, 0xc0ffee00)
                .device()
                .rw(MIXED, 2, 0xffff).rw(W1C, 2, 0xf000).rw1c(W1C, 2, 0x0f0f);
        runtime = new CoreRuntime(new DefaultCapabilityWalker(), new RecordingLogger());
        runtime.addHandler(new FakeHandler(c -> vendorTable()), FakeHandler.props("standard", CapId.VNDR, 0, 1));
        vd = runtime.open(fake);
        fake.addAccessListener(new AccessListener() {
            @Override
            public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
                trace.add((write ? "w " : "r ") + size + " 0x" + Integer.toHexString(offset));
            }

            @Override
            public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
                trace.add("bar");
            }
        });
    }

    @Test
    void virtualRegisterLivesInTheShadowAndNeverTouchesTheDevice() {
        assertEquals(0x11223344, vd.read(VIRT_RW, 4), "the shadow starts as the device's bytes");
        vd.write(VIRT_RW, 4, 0xdeadbeef);
        vd.write(VIRT_RW + 2, 1, 0x77);
        assertEquals(0xde77beef, vd.read(VIRT_RW, 4));
        assertEquals(0xde77, vd.read(VIRT_RW + 2, 2), "any width reads the shadow");
        assertEquals(0x11223344, fake.peek(VIRT_RW, 4), "the device keeps its value");
        assertEquals(List.of(), trace);
    }

    @Test
    void constantRegisterIsServedFromTheOpenTimeSnapshotWithoutDeviceAccess() {
        fake.hw(CONST, 4, 0x12345678);
        assertEquals(0xc0ffee00, vd.read(CONST, 4));
        assertEquals(0xee, vd.read(CONST + 1, 1));
        vd.write(CONST, 4, 0);
        assertEquals(0xc0ffee00, vd.read(CONST, 4));
        assertEquals(List.of(), trace, "constant reads and the denied write never reach the device");
    }

    @Test
    void mixedRegisterMergesShadowAndDevicePerBit() {
        assertEquals(0xab12, vd.read(MIXED, 2));
        vd.write(MIXED, 2, 0x3456);
        assertEquals(0x3412, fake.peek(MIXED, 2), "high byte written to the device, low byte written back as read");
        assertEquals(0x3456, vd.read(MIXED, 2));
        fake.hw(MIXED, 2, 0x7799);
        assertEquals(0x7756, vd.read(MIXED, 2), "(shadow & virtual) | (device & ~virtual)");
    }

    @Test
    void virtualRw1cBitsClearWhereOneIsWritten() {
        assertEquals(0xf, vd.read(W1C, 2) & 0xf);
        vd.write(W1C, 2, 0x0005);
        assertEquals(0xa, vd.read(W1C, 2) & 0xf);
        vd.write(W1C, 2, 0x0000);
        assertEquals(0xa, vd.read(W1C, 2) & 0xf, "writing 0 keeps a RW1C bit");
    }

    @Test
    void deviceRw1cBitsClearOnTheDeviceWhereOneIsWritten() {
        vd.write(W1C, 2, 0x0100);
        assertEquals(0x0e00, fake.peek(W1C, 2) & 0x0f00);
        assertEquals(0x0e00, vd.read(W1C, 2) & 0x0f00);
    }

    @Test
    void readModifyWriteWritesZeroToDeviceRw1cBitsTheGuestDidNotTarget() {
        vd.write(W1C, 2, 0xf000);
        assertEquals(0xff00, fake.peek(W1C, 2) & 0xff00, "device RW bits set, device RW1C bits all kept");
        FakeDevice.Access write = fake.configAccesses().get(fake.configAccesses().size() - 1);
        assertTrue(write.write());
        assertEquals(0, write.value() & 0x0f00, "the read-modify-write wrote 0 to the RW1C bits: " + write);
    }

    /** DESIGN.md difference 1: vfio's 4-byte write at 0x04 re-writes Status as read and clears its error bits. */
    @Test
    void difference1FourByteWriteAtCommandDoesNotClearStatusErrorBits() {
        int errors = Status.REC_MASTER_ABORT | Status.DETECTED_PARITY;
        FakeDevice d = ConfigImage.type0(CFG_SPACE_SIZE).device().rw(COMMAND, 2, 0x07ff).rw1c(STATUS, 2, Status.RW1C);
        d.hw(STATUS, 2, errors);
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), new RecordingLogger());
        // Command and Status as the header handler declares them: Status read-only to the guest.
        rt.addHandler(new FakeHandler(c -> PermissionTable.builder(PciRegs.STD_HEADER_SIZEOF)
                .at(COMMAND, 2).virtual(Command.IO | Command.MEMORY).writable(0x07ff).because("command")
                .at(STATUS, 2).virtual(Status.CAP_LIST).because("status read-only")
                .build()), FakeHandler.props("header", 0, 0, 1));
        VirtualDevice v = rt.open(d);

        v.write(COMMAND, 4, Command.MASTER | Command.SERR);
        assertEquals(Command.MASTER | Command.SERR, d.peek(COMMAND, 2) & (Command.MASTER | Command.SERR));
        assertEquals(errors, d.peek(STATUS, 2), "Status error bits survive the read-modify-write of Command");

        v.write(COMMAND, 4, (errors << 16) | Command.MASTER);
        assertEquals(errors, d.peek(STATUS, 2), "the guest has no right to clear them: they stay");
        assertEquals(errors, v.read(STATUS, 2) & Status.RW1C);
    }

    @Test
    void guestMayClearDeviceRw1cBitsItTargetsWhereTheTableAllowsIt() {
        int errors = Status.REC_MASTER_ABORT | Status.DETECTED_PARITY;
        FakeDevice d = ConfigImage.type0(CFG_SPACE_SIZE).device().rw(COMMAND, 2, 0x07ff).rw1c(STATUS, 2, Status.RW1C);
        d.hw(STATUS, 2, errors);
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), new RecordingLogger());
        rt.addHandler(new FakeHandler(c -> PermissionTable.builder(PciRegs.STD_HEADER_SIZEOF)
                .at(COMMAND, 2).writable(0x07ff).because("command")
                .at(STATUS, 2).writeOneToClear(Status.RW1C).because("error bits the guest may clear")
                .build()), FakeHandler.props("header", 0, 0, 1));
        VirtualDevice v = rt.open(d);

        v.write(COMMAND, 4, Status.DETECTED_PARITY << 16);
        assertEquals(Status.REC_MASTER_ABORT, d.peek(STATUS, 2), "only the targeted bit cleared");
    }

    @ParameterizedTest(name = "{1}-byte access at {0}")
    @CsvSource({ "0x45, 4", "0x41, 2", "0x43, 2", "0x44, 3", "0x44, 0", "0x44, 8", "0x100, 4", "0xfe, 4", "-4, 4" })
    void malformedAccessIsRefusedNamingDeviceOffsetWidthAndChangesNothing(String at, int size) {
        int offset = Integer.decode(at);
        int before = vd.read(VIRT_RW, 4);
        PciAccessException w = assertThrows(PciAccessException.class, () -> vd.write(offset, size, -1));
        PciAccessException r = assertThrows(PciAccessException.class, () -> vd.read(offset, size));
        for (PciAccessException e : List.of(w, r)) {
            assertTrue(e.getMessage().contains("0000:03:00.0"), e.getMessage());
            assertTrue(e.getMessage().contains(offset >= 0 ? size + "-byte access at 0x" + Integer.toHexString(offset)
                    : "offset " + offset + ", width " + size), e.getMessage());
            assertEquals(offset, e.offset());
            assertEquals(size, e.width());
        }
        assertEquals(before, vd.read(VIRT_RW, 4));
        assertEquals(0xab12, vd.read(MIXED, 2));
        assertEquals(List.of("r 2 0x48"), trace, "nothing but the check read reached the device");
        assertEquals(2, runtime.snapshot().devices[0].refusedAccesses);
    }

    @Test
    void oneDeviceAccessPerGuestAccessAtTheSameWidth() {
        vd.read(MIXED + 1, 1);
        vd.read(MIXED, 2);
        vd.read(MIXED, 4);
        vd.write(MIXED + 1, 1, 0x55);
        vd.write(MIXED, 2, 0x6655);
        vd.write(MIXED, 4, 0xf0006655);
        assertEquals(List.of("r 1 0x49", "r 2 0x48", "r 4 0x48",
                "r 1 0x49", "w 1 0x49",
                "r 2 0x48", "w 2 0x48",
                "r 4 0x48", "w 4 0x48"), trace);
    }

    @Test
    void writeTouchingNoWritableBitDoesNoDeviceAccessAndIsCounted() {
        vd.write(LEN, 1, 0x20);
        vd.write(CONST, 4, 0);
        assertEquals(16, vd.read(LEN, 1));
        assertEquals(List.of("r 1 0x42"), trace);
        var dto = runtime.snapshot().devices[0];
        assertEquals(2, dto.deniedWrites);
        VirtualCapabilityDTO vendor = dto.capabilities[1];
        assertEquals(CapId.VNDR, vendor.id);
        assertEquals(2, vendor.deniedWrites);
    }

    @Test
    void nextPointerIsVirtualAndReadOnlyWhateverTheTableSays() {
        FakeDevice d = ConfigImage.type0(CFG_SPACE_SIZE).std(CAP, CapId.VNDR).set(LEN, 1, 16).device().rw(CAP, 2, 0xffff);
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), new RecordingLogger());
        rt.addHandler(new FakeHandler(c -> PermissionTable.builder(16)
                .at(0, 2).writable(0xffff).because("a careless table making id and next writable").build()),
                FakeHandler.props("standard", CapId.VNDR, 0, 1));
        VirtualDevice v = rt.open(d);
        v.write(CAP, 2, 0x8080);
        assertEquals(0x0080, v.read(CAP, 2), "id written (the table allows it), next stays 0");
        assertEquals(0, d.peek(CAP + 1, 1));
    }
}
