package org.pciguard.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.STATUS;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pciguard.api.capability.Anomaly;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.backend.sim.DeviceFileException;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * Malformed devices (SECURITY.md R13): a corpus built from every shipped dump by the mutations of
 * {@link Mutation} and by random corruption of the bytes that chains are made of. Walking, opening and
 * accessing never hangs and never throws anything but a named {@link org.pciguard.api.access.PciAccessException};
 * the walker reports the anomaly; the guest's chains stay finite.
 */
class MalformedDeviceTest {

    private static final CapabilityWalker WALKER = new DefaultCapabilityWalker();
    /** Whole-corpus bound: a hang anywhere fails the test instead of the build. */
    private static final Duration BOUND = Duration.ofSeconds(120);

    /** The mutated bytes as a device file, through the real loader (which may refuse it, with file and line). */
    static DeviceImage mutated(DeviceImage base, byte[] config, String what) {
        try {
            return Fixtures.load(base, config, what);
        } catch (DeviceFileException e) {
            throw new AssertionError(base.source() + " " + what + ": the loader refused well-formed hex: " + e.getMessage(), e);
        }
    }

    @ParameterizedTest
    @EnumSource(Mutation.class)
    void everyDumpBrokenThisWayIsWalkedWithTheAnomalyReportedAndServedWithFiniteChains(Mutation mutation) {
        assertTimeoutPreemptively(BOUND, () -> {
            Random random = new Random(mutation.ordinal());
            int applied = 0;
            for (DeviceImage image : Fixtures.all()) {
                byte[] config = image.config();
                CapabilityMap before = WALKER.walk(config.clone());
                if (!mutation.apply(config, before, image.bars())) {
                    continue;
                }
                applied++;
                String label = image.source() + " with " + mutation;
                CapabilityMap map = WALKER.walk(config.clone());
                if (!mutation.expected.isEmpty()) {
                    assertTrue(map.anomalies().stream().map(Anomaly::kind).anyMatch(mutation.expected::contains),
                            label + ": expected one of " + mutation.expected + ", walker reported " + map.anomalies());
                }
                for (Anomaly a : map.anomalies()) {
                    assertFalse(a.detail().isBlank(), label + ": anomaly without a detail " + a);
                }
                Exercise.run(mutated(image, config, mutation.name()), label, random, 256);
            }
            assertTrue(applied > 0, mutation + " applies to no shipped dump");
        });
    }

    @Test
    void randomCorruptionOfChainBytesNeverHangsNorThrowsAndKeepsGuestChainsFinite() {
        assertTimeoutPreemptively(BOUND, () -> {
            Random random = new Random(2024);
            List<DeviceImage> images = Fixtures.all();
            int opened = 0;
            for (int n = 0; n < 2000; n++) {
                DeviceImage image = images.get(random.nextInt(images.size()));
                byte[] config = image.config();
                List<Integer> hot = chainBytes(config);
                int flips = 1 + random.nextInt(6);
                StringBuilder what = new StringBuilder("random#" + n);
                for (int k = 0; k < flips; k++) {
                    int at = random.nextBoolean() && !hot.isEmpty() ? hot.get(random.nextInt(hot.size()))
                            : random.nextInt(config.length);
                    int value = interesting(random, config.length);
                    config[at] = (byte) value;
                    what.append(String.format(" [0x%x]=0x%02x", at, value & 0xff));
                }
                String label = image.source() + " " + what;
                WALKER.walk(config.clone());
                if (Exercise.run(mutated(image, config, what.toString()), label, random, 64)) {
                    opened++;
                }
            }
            assertTrue(opened > 1000, "most corrupted type-0 functions still open: " + opened);
        });
    }

    /** The bytes chains are made of: Status, the Capabilities Pointer, every capability's first dword, MSI-X BIRs. */
    private static List<Integer> chainBytes(byte[] config) {
        List<Integer> hot = new ArrayList<>(List.of(STATUS, CAPABILITY_LIST));
        CapabilityMap m = WALKER.walk(config.clone());
        for (Capability c : m.all()) {
            if (c.offset() == 0) {
                continue;
            }
            for (int k = 0; k < 12 && c.offset() + k < config.length; k++) {
                hot.add(c.offset() + k);
            }
        }
        if (config.length > CFG_SPACE_SIZE) {
            for (int k = 0; k < 4; k++) {
                hot.add(CFG_SPACE_SIZE + k);
            }
        }
        return hot;
    }

    /** Values that break chains: 0, all ones, pointers into the header, unaligned, near the end. */
    private static int interesting(Random random, int size) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> 0xff;
            case 2 -> random.nextInt(0x40);
            case 3 -> 0x40 + random.nextInt(0xc0) | 1 + random.nextInt(3);
            case 4 -> 0xfc;
            case 5 -> 0x40 + 4 * random.nextInt(0x30);
            case 6 -> size > CFG_SPACE_SIZE ? 0x10 * random.nextInt(0x10) : random.nextInt(0x100);
            default -> random.nextInt(0x100);
        };
    }
}
