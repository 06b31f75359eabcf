package org.pciguard.backend.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.pciguard.api.regs.PciRegs;

/**
 * A fake sysfs tree in a temporary directory: one directory per function with {@code config},
 * {@code resource}, {@code vendor}, {@code device} and {@code class}, as Linux lays them out. The
 * tests of the write paths run against it, never against the real {@code /sys}.
 */
final class FakeSysfs {

    /** A resource line of an unimplemented BAR. */
    static final String NO_RESOURCE = "0x0000000000000000 0x0000000000000000 0x0000000000000000";

    private final Path root;

    FakeSysfs(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /**
     * Adds a function whose {@code config} holds exactly {@code config}; the id attributes are
     * taken from it. {@code resources} are the first lines of {@code resource}; the file is padded
     * to the seven lines Linux writes for a type-0 function.
     */
    Path add(String address, byte[] config, String... resources) throws IOException {
        Path dir = Files.createDirectories(root.resolve(address));
        Files.write(dir.resolve("config"), config);
        Files.writeString(dir.resolve("vendor"), String.format("0x%04x%n", le(config, PciRegs.VENDOR_ID, 2)));
        Files.writeString(dir.resolve("device"), String.format("0x%04x%n", le(config, PciRegs.DEVICE_ID, 2)));
        Files.writeString(dir.resolve("class"), String.format("0x%06x%n", le(config, PciRegs.CLASS_PROG, 3)));
        List<String> lines = new ArrayList<>(Arrays.asList(resources));
        while (lines.size() < 7) {
            lines.add(NO_RESOURCE);
        }
        Files.write(dir.resolve("resource"), lines);
        return dir;
    }

    /** A type-0 config image of {@code size} bytes: ids 1af4:1041, class 020000, revision 01, no capabilities. */
    static byte[] config(int size) {
        byte[] c = new byte[size];
        put(c, PciRegs.VENDOR_ID, 2, 0x1af4);
        put(c, PciRegs.DEVICE_ID, 2, 0x1041);
        put(c, PciRegs.REVISION_ID, 1, 0x01);
        put(c, PciRegs.CLASS_PROG, 3, 0x020000);
        return c;
    }

    /** {@code config(size)} with a standard chain: PM at 0x40, then PCI Express at 0x50. */
    static byte[] expressConfig(int size) {
        byte[] c = config(size);
        put(c, PciRegs.STATUS, 2, PciRegs.Status.CAP_LIST);
        put(c, PciRegs.CAPABILITY_LIST, 1, 0x40);
        put(c, 0x40, 1, PciRegs.CapId.PM);
        put(c, 0x41, 1, 0x50);
        put(c, 0x50, 1, PciRegs.CapId.EXP);
        return c;
    }

    /** Stores the low {@code size} bytes of {@code value} at {@code offset}, least significant first. */
    static void put(byte[] c, int offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            c[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    /** The little-endian value of {@code size} bytes at {@code offset}. */
    static long le(byte[] c, int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (c[offset + i] & 0xffL) << (8 * i);
        }
        return v;
    }
}
