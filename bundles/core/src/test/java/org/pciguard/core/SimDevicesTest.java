package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.testing.PciDumps;
import org.pciguard.testing.RecordingLogger;

/** The core over the simulated backend and real device dumps, with a test header handler. */
class SimDevicesTest {

    /** AMD RD890 host bridge: a type-0 function whose dump has Received Master Abort set in Status. */
    static final String RD890 = "1002-5a13-rd890-ht.lspci";
    /** Intel 82576: memory and I/O BARs with sizes, FLR. */
    static final String I82576 = "8086-10c9-82576-gbe-sriov.lspci";

    static CoreRuntime runtime() {
        return FakeHeader.runtime(new RecordingLogger());
    }

    static SimulatedDevice sim(String file) throws IOException {
        return SimulatedBackend.openFile(PciDumps.dir().resolve(file));
    }

    static List<Integer> visible(VirtualDeviceDTO d, String space) {
        List<Integer> offsets = new ArrayList<>();
        for (VirtualCapabilityDTO c : d.capabilities) {
            if (c.space.equals(space) && !c.hidden) {
                offsets.add(c.offset);
            }
        }
        return offsets;
    }

    @Test
    void everyShippedFunctionOpensWithAFiniteChainOfItsVisibleCapabilitiesOrIsRefusedAsABridge() {
        SimulatedBackend backend = SimulatedBackend.shipped();
        int opened = 0;
        int bridges = 0;
        for (DeviceDTO info : backend.devices()) {
            PciAddress address = PciAddress.parse(info.address);
            CoreRuntime rt = runtime();
            PhysicalDevice phys = backend.open(address);
            if (info.headerType != 0) {
                PciAccessException e = assertThrows(PciAccessException.class, () -> rt.open(phys), info.source);
                assertTrue(e.getMessage().contains("header type " + info.headerType), e.getMessage());
                bridges++;
                continue;
            }
            VirtualDevice v = rt.open(phys);
            VirtualDeviceDTO dto = rt.snapshot().devices[0];
            assertEquals(visible(dto, "standard"), ChainAndPolicyTest.guestStandardChain(v), info.source);
            if (v.configSize() > 256) {
                assertEquals(visible(dto, "extended"), ChainAndPolicyTest.guestExtendedChain(v), info.source);
            }
            for (int off = 0; off < v.configSize(); off += 4) {
                v.read(off, 4);
            }
            assertEquals(info.vendorId, v.read(VENDOR_ID, 2), info.source);
            assertEquals(0, dto.refusedAccesses);
            v.close();
            opened++;
        }
        assertTrue(opened >= 30, "type-0 functions opened: " + opened);
        assertTrue(bridges >= 10, "bridges refused: " + bridges);
    }

    /** DESIGN.md difference 1 on real data: the dump's Received Master Abort survives a 4-byte Command write. */
    @Test
    void difference1StatusErrorBitOfARealDumpSurvivesAFourByteCommandWrite() throws IOException {
        SimulatedDevice phys = sim(RD890);
        assertNotEquals(0, phys.readConfig(STATUS, 2) & Status.REC_MASTER_ABORT);
        VirtualDevice v = runtime().open(phys);
        v.write(COMMAND, 4, Command.MASTER | Command.SERR);
        v.write(COMMAND, 4, 0xffff0000 | Command.MASTER);
        assertNotEquals(0, phys.readConfig(STATUS, 2) & Status.REC_MASTER_ABORT);
        assertNotEquals(0, phys.readConfig(COMMAND, 2) & Command.MASTER, "the write itself reached the device");
    }

    @Test
    void backdoorResetOfTheSimulatedFunctionIsRepairedWhenTheGuestEnablesDecode() throws IOException {
        SimulatedDevice phys = sim(I82576);
        int hostBar0 = phys.readConfig(BASE_ADDRESS_0, 4);
        assertNotEquals(0, hostBar0);
        VirtualDevice v = runtime().open(phys);
        phys.writeConfig(BASE_ADDRESS_0, 4, 0);           // the hardware changed behind the virtualizer's back
        phys.writeConfig(COMMAND, 2, 0);
        assertNotEquals(hostBar0, phys.readConfig(BASE_ADDRESS_0, 4));
        v.write(COMMAND, 2, Command.MEMORY);
        assertEquals(hostBar0, phys.readConfig(BASE_ADDRESS_0, 4));
        assertEquals(Command.MEMORY, phys.readConfig(COMMAND, 2) & Command.MEMORY, "the host's decode is back");
    }

    @Test
    void resetThroughTheVirtualDeviceReturnsTheGuestsBarToZeroAndKeepsTheHosts() throws IOException {
        SimulatedDevice phys = sim(I82576);
        int hostBar0 = phys.readConfig(BASE_ADDRESS_0, 4);
        VirtualDevice v = runtime().open(phys);
        v.write(BASE_ADDRESS_0, 4, 0xffffffff);
        v.reset(ResetKind.FLR);
        assertEquals(hostBar0, phys.readConfig(BASE_ADDRESS_0, 4));
        assertEquals(0, v.read(BASE_ADDRESS_0, 4), "the guest's BAR is back to its open-time 0");
    }

    @Test
    void guestBarAccessFollowsTheGuestsMemoryDecode() throws IOException {
        SimulatedDevice phys = sim(I82576);
        List<String> bar = new ArrayList<>();
        phys.addAccessListener(new AccessListener() {
            @Override
            public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
            }

            @Override
            public void barAccess(PciAddress device, boolean write, int b, long offset, int size, long value) {
                bar.add((write ? "w " : "r ") + b + " " + size + " 0x" + Long.toHexString(offset));
            }
        });
        VirtualDevice v = runtime().open(phys);
        assertEquals(0, v.read(COMMAND, 2) & Command.MEMORY, "the guest starts with decode off");
        assertEquals(0xffffffffL, v.barRead(0, 0x8, 4));
        assertEquals(List.of(), bar);
        v.write(COMMAND, 2, Command.MEMORY);
        v.barRead(0, 0x8, 4);
        assertEquals(List.of("r 0 4 0x8"), bar);
    }
}
