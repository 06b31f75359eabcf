package org.pciguard.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.irq.recording.RecordingInterruptController;

/** The recording controller prints what DESIGN.md's replay contract says, and records everything. */
class RecordingInterruptControllerTest {

    @Test
    void printsTheReplayLinesOfDeliveredInterruptsOnly() {
        List<String> printed = new ArrayList<>();
        RecordingInterruptController c = new RecordingInterruptController(printed::add);
        c.deliverMsi(RouterFixture.DEVICE, InterruptKind.MSI, 0xfee0_0000L, 0x4021);
        c.deliverMsi(RouterFixture.DEVICE, InterruptKind.MSIX, 0x1_2345_6789_abc0L, 0xfffffffe);
        c.setIntxLevel(RouterFixture.DEVICE, true);
        c.setIntxLevel(RouterFixture.DEVICE, false);
        assertEquals(List.of("> msi addr=0x00000000fee00000 data=0x00004021",
                "> msix addr=0x000123456789abc0 data=0xfffffffe", "> intx assert"), printed);
        assertEquals(4, c.deliveries().size());
        assertEquals("> intx deassert", c.lines().get(3));
        assertEquals(new RecordingInterruptController.Delivery(RouterFixture.DEVICE, InterruptKind.INTX, 0, 0, false),
                c.deliveries().get(3));
        c.clear();
        assertEquals(List.of(), c.deliveries());
    }
}
