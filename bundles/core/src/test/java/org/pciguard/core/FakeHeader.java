package org.pciguard.core;

import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_5;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.STATUS;

import java.util.Map;

import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.testing.RecordingLogger;

/**
 * The parts of a header handler the core's tests need (the real one, in cap-header, tests itself
 * through the core): decode virtual, bus mastering on the device, Status read-only, guest BARs
 * virtual and starting at 0 with the guest's decode off.
 */
final class FakeHeader {

    /** Command bits kept in the shadow. */
    static final int VIRTUAL_COMMAND = Command.IO | Command.MEMORY | Command.INTX_DISABLE;

    private FakeHeader() {
    }

    static PermissionTable table() {
        PermissionTable.Builder b = PermissionTable.builder(PciRegs.STD_HEADER_SIZEOF)
                .at(COMMAND, 2).virtual(VIRTUAL_COMMAND).writable(VIRTUAL_COMMAND | Command.MASTER | Command.SERR)
                    .because("decode and INTx Disable virtual; bus mastering and SERR on the device")
                .at(STATUS, 2).virtual(Status.CAP_LIST).because("read-only, as vfio");
        for (int reg = BASE_ADDRESS_0; reg <= BASE_ADDRESS_5; reg += 4) {
            b.at(reg, 4).virtual(-1).writable(-1).because("guest BAR, never the host's");
        }
        return b.build();
    }

    /** A handler with this table whose initialize clears the guest's decode and BARs. */
    static FakeHandler handler() {
        FakeHandler h = new FakeHandler(c -> table());
        h.onInitialize = c -> {
            c.setShadow(COMMAND, 2, c.shadow(COMMAND, 2) & ~VIRTUAL_COMMAND);
            for (int reg = BASE_ADDRESS_0; reg <= BASE_ADDRESS_5; reg += 4) {
                c.setShadow(reg, 4, 0);
            }
            return CapabilityHandler.NONE;
        };
        return h;
    }

    /** A runtime with {@link #handler()} serving the header. */
    static CoreRuntime runtime(RecordingLogger log) {
        CoreRuntime rt = new CoreRuntime(new org.pciguard.walker.DefaultCapabilityWalker(), log);
        rt.addHandler(handler(), Map.of(CapabilityHandler.CAPABILITY_ID, 0,
                CapabilityHandler.CAPABILITY_SPACE, CapabilitySpace.HEADER.property(), CoreRuntime.SERVICE_ID, 1L));
        return rt;
    }
}
