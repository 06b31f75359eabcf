package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msi;

/**
 * XSA-155 (CVE-2015-8550 and others), "paravirtualized drivers incautious about shared memory
 * contents": backends (pciback among them) read guest-controlled values twice, so a guest changing
 * them in between could make the check and the use see different values. pciguard takes a guest value
 * once, as an argument, and runs each access atomically (SECURITY.md R14): vCPUs racing on the MSI
 * message address never produce a value that is half one write and half another, in the guest's
 * view or in what the handlers were told.
 */
class Xsa155Test {

    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final int ROUNDS = 50_000;
    private static final int REPLICATE = 0x01010101;

    @Test
    void xsa155_racingVcpusNeverProduceAMixedMsiAddress() throws Exception {
        Scenario s = new Scenario(DEVICE);
        Capability msi = s.capability(CapabilitySpace.STANDARD, CapId.MSI);
        int address = msi.offset() + Msi.ADDRESS_LO;
        s.guest.write(address, 4, 0x40 * REPLICATE);
        ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> vcpus = new ArrayList<>();
        for (int w = 1; w <= 2; w++) {
            int base = w * 0x40;
            vcpus.add(CompletableFuture.runAsync(() -> {
                for (int k = 0; k < ROUNDS; k++) {
                    // Four equal bytes, dword aligned as the address must be.
                    s.guest.write(address, 4, ((base + (k & 0x3f)) * REPLICATE) & ~3);
                }
            }));
        }
        vcpus.add(CompletableFuture.runAsync(() -> {
            for (int k = 0; k < 2 * ROUNDS; k++) {
                int v = s.guest.read(address, 4);
                if (v >>> 8 != (v >>> 24) * 0x010101 || (v & 0xff) != ((v >>> 8) & 0xfc)) {
                    torn.add(Integer.toHexString(v));
                }
            }
        }));
        CompletableFuture.allOf(vcpus.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        assertTrue(torn.isEmpty(), "torn MSI addresses: " + torn.stream().limit(5).toList());
        int last = s.guest.read(address, 4);
        assertEquals((last >>> 24) * 0x010101, last >>> 8, "the final value is one of the written ones");
    }
}
