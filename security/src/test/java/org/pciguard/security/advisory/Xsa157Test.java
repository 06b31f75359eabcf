package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.security.MsixAt;

/**
 * XSA-157 (CVE-2015-8551, CVE-2015-8552), "Linux pciback missing sanity checks leading to crash":
 * pciback's operations that enable MSI and MSI-X did not check what was already enabled, so a guest
 * could enable MSI with MSI-X enabled, the other way round, or either twice: the host kernel hit a
 * BUG_ON, or printed a WARN on every attempt (a log flood). pciguard (SECURITY.md R11, R15): the
 * Enables are the guest's virtual bits and never reach the device; whatever the order and however
 * often the guest sets them, the router delivers one kind at a time (MSI-X over MSI, INTx never while
 * either is on), clearing them leaves the other working, and nothing is logged.
 */
class Xsa157Test {

    /** Intel 82576: INTx, 64-bit maskable MSI, a 10-entry MSI-X table. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final long MSI_ADDRESS = 0xfee0_1000L;
    private static final int MSI_DATA = 0x4031;
    private static final long MSIX_ADDRESS = 0xfee0_2000L;
    private static final int MSIX_DATA = 0x4042;

    @Test
    void xsa157_enablingMsiAndMsixInEitherOrderAndTwiceDeliversOneKindAndNeverReachesTheDevice() {
        for (boolean msixFirst : new boolean[] {false, true}) {
            Scenario s = new Scenario(DEVICE);
            int msi = s.capability(CapabilitySpace.STANDARD, CapId.MSI).offset();
            MsixAt msix = s.msix();
            int deviceMsiControl = s.phys.readConfig(msi + Msi.FLAGS, 2);
            int deviceMsixControl = s.phys.readConfig(msix.control(), 2);
            s.guest.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
            s.guest.write(msi + Msi.ADDRESS_LO, 4, (int) MSI_ADDRESS);
            s.guest.write(msi + Msi.DATA_64, 2, MSI_DATA);
            s.programEntry(msix, 0, MSIX_ADDRESS, MSIX_DATA, false);
            assertEquals(Set.of("intx"), s.enabledKinds(), "before any Enable, INTx");

            for (int twice = 0; twice < 2; twice++) {
                if (msixFirst) {
                    enableMsix(s, msix, twice);
                    enableMsi(s, msi, twice);
                } else {
                    enableMsi(s, msi, twice);
                    enableMsix(s, msix, twice);
                }
                assertEquals(Set.of("msix"), s.enabledKinds(), "both Enables set: MSI-X only (MSI-X first: " + msixFirst + ")");
                raiseEverything(s);
                assertEquals(List.of(Scenario.message(InterruptKind.MSIX, MSIX_ADDRESS, MSIX_DATA)), s.delivered());
            }
            // Clearing MSI-X Enable leaves MSI working; clearing MSI too gives INTx back.
            s.guest.write(msix.control(), 2, 0);
            assertEquals(Set.of("msi"), s.enabledKinds());
            raiseEverything(s);
            assertEquals(List.of(Scenario.message(InterruptKind.MSI, MSI_ADDRESS, MSI_DATA)), s.delivered());
            s.guest.write(msi + Msi.FLAGS, 2, 0);
            assertEquals(Set.of("intx"), s.enabledKinds());

            assertEquals(deviceMsiControl, s.phys.readConfig(msi + Msi.FLAGS, 2), "the device's MSI Enable is the host's");
            assertEquals(deviceMsixControl, s.phys.readConfig(msix.control(), 2), "the device's MSI-X Enable is the host's");
            assertTrue(s.configWritesTouching(msi + Msi.FLAGS).isEmpty() && s.configWritesTouching(msix.control()).isEmpty(),
                    "no guest Enable reached the device");
            assertEquals(List.of(), s.log.messages, "nothing logged, let alone per attempt");
        }
    }

    /** MSI Enable by a word write of Message Control, or (second time) a dword write from the capability's start. */
    private static void enableMsi(Scenario s, int msi, int how) {
        if (how == 0) {
            s.guest.write(msi + Msi.FLAGS, 2, Msi.FLAGS_ENABLE);
        } else {
            s.guest.write(msi, 4, s.guest.read(msi, 4) | Msi.FLAGS_ENABLE << 16);
        }
    }

    private static void enableMsix(Scenario s, MsixAt msix, int how) {
        if (how == 0) {
            s.guest.write(msix.control(), 2, Msix.FLAGS_ENABLE);
        } else {
            s.guest.write(msix.control() + 1, 1, Msix.FLAGS_ENABLE >>> 8);
        }
    }

    /** The function raises INTx, MSI vector 0 and MSI-X entry 0. */
    private static void raiseEverything(Scenario s) {
        s.phys.raiseInterrupt(InterruptKind.INTX, 0);
        s.phys.raiseInterrupt(InterruptKind.MSI, 0);
        s.phys.raiseInterrupt(InterruptKind.MSIX, 0);
    }
}
