package org.pciguard.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.virt.VirtualDevice;

/** {@code pci:handlers}, {@code pci:irq} and the JSON of {@code pci:runtime}. */
class RuntimeFormatTest {

    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void handlersShowTheShadowedOneAndWhatServesEachCapability() throws Exception {
        long stock = f.addHandler(Fixture.readOnlyHandler(), CapabilitySpace.STANDARD, CapId.PM, 0, "org.pciguard.cap.pm");
        long vendor = f.addHandler(Fixture.readOnlyHandler(), CapabilitySpace.STANDARD, CapId.PM, 100, "vendor.pm");
        PciAddress a = PciAddress.parse(f.sim.devices().stream()
                .filter(d -> d.source.equals("8086-10c9-82576-gbe-sriov.lspci")).findFirst().orElseThrow().address);
        try (PhysicalDevice d = f.sim.open(a)) {
            VirtualDevice guest = f.runtime.open(d);
            String out = Fixture.output(o -> RuntimeFormat.handlers(f.runtime.snapshot(), o));
            List<String> lines = out.lines().toList();
            assertEquals("handler header   id=0x00 rank 0 service 1 org.pciguard.cap.header 1.0.0 active", lines.get(0));
            assertEquals("handler standard id=0x01 rank 100 service " + vendor + " vendor.pm 1.0.0 active", lines.get(1));
            assertEquals("handler standard id=0x01 rank 0 service " + stock + " org.pciguard.cap.pm 1.0.0 shadowed by service "
                    + vendor, lines.get(2));
            assertEquals("device " + a, lines.get(3));
            assertTrue(lines.contains("  standard 0x040 id=0x01 PM served by vendor.pm (service " + vendor + ")"), out);
            assertTrue(lines.contains("  standard 0x050 id=0x05 MSI hidden (no handler: a guest never sees this capability raw)"), out);
            assertTrue(lines.contains("  standard 0x0a0 id=0x10 EXP read-only fallback"), out);
            guest.close();
        }
    }

    @Test
    void routesAreOneLineEach() throws Exception {
        RouteDTO r = new RouteDTO();
        r.device = "0000:03:00.0";
        r.source = "msi";
        r.index = 1;
        r.address = 0xfee00000L;
        r.data = 0x4021;
        r.enabled = true;
        r.pending = true;
        r.delivered = 3;
        r.held = 1;
        assertEquals("0000:03:00.0 msi 1 addr=0x00000000fee00000 data=0x00004021 enabled pending delivered=3 held=1\n",
                Fixture.output(o -> RuntimeFormat.routes(List.of(r), o)));
    }

    @Test
    void runtimeJsonHasEveryDtoField() {
        RouteDTO r = new RouteDTO();
        r.device = "a\"b";
        String json = DtoJson.write(new RouteDTO[] {r});
        assertTrue(json.startsWith("[\n  {\n    \"device\": \"a\\\"b\",\n    \"source\": null,\n    \"index\": 0,"), json);
        assertTrue(json.endsWith("\"held\": 0\n  }\n]"), json);
        String runtime = DtoJson.write(f.runtime.snapshot());
        assertTrue(runtime.contains("\"devices\": []") && runtime.contains("\"bundle\": \"org.pciguard.cap.header\""),
                runtime);
    }
}
