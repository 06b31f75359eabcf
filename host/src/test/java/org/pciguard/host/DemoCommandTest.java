package org.pciguard.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** {@code pciguard demo}: the boot, the devices, the guest view, the hot install and the DTO, in that order. */
class DemoCommandTest {

    private static final Pattern BOOT = Pattern.compile(
            "== boot: (\\d+) bundles active, (\\d+) shipped devices listed; host ready in (\\d+) ms .*");
    private static final String PM_FALLBACK = "  standard 0x040 id=0x01 PM read-only fallback, 1 denied writes";
    private static final String PM_SERVED = "  standard 0x040 id=0x01 PM served by org.pciguard.cap.pm (service ";

    @Test
    void walksFromBootToTheHotInstalledHandlerAndTheRuntimeDto() {
        Cli demo = Cli.run("demo");
        assertEquals(0, demo.status(), demo::transcript);
        List<String> lines = demo.lines();

        Matcher boot = BOOT.matcher(lines.get(0));
        assertTrue(boot.matches(), lines.get(0));
        assertEquals(Shipped.devices().size(), Integer.parseInt(boot.group(2)), "every shipped device listed");
        assertTrue(Integer.parseInt(boot.group(3)) < 2_000, "ready in under 2 s: " + lines.get(0));

        int fallback = lines.indexOf(PM_FALLBACK);
        int install = indexOf(lines, "== hot install of org.pciguard.cap.pm ");
        int served = indexOf(lines, PM_SERVED);
        int dto = lines.indexOf("$ pci:runtime");
        assertTrue(fallback > 0 && fallback < install && install < served && served < dto,
                "fallback, install, takeover, DTO in order:\n" + demo.out());
        List<String> reads = lines.stream().filter(l -> l.startsWith("r 2 0x44 = ")).toList();
        assertEquals(2, reads.size(), demo.out());
        assertEquals(0, Integer.decode(reads.get(0).substring(11)) & 3, "D0: the fallback dropped the write");
        assertEquals(3, Integer.decode(reads.get(1).substring(11)) & 3, "D3hot: the installed handler carried it out");
        assertTrue(lines.subList(dto, lines.size()).contains("      \"address\": \"" + address(lines) + "\","),
                "the DTO lists the open device:\n" + demo.out());
    }

    private static String address(List<String> lines) {
        return lines.get(indexOf(lines, "$ pci:dump ")).split(" ")[2];
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
