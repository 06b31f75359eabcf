package org.pciguard.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration spaces for benchmarks, read from {@code lspci -x/-xxx/-xxxx} text kept as class-path
 * resources of this module (copies of dumps from {@code shared/pci-dumps}). Setup code only: it is
 * never inside a measured method. Devices as the product loads them come from backend-sim.
 */
public final class ConfigDumps {

    private static final Pattern HEX_LINE = Pattern.compile("^([0-9a-fA-F]{2,3}):((?:\\s+[0-9a-fA-F]{2})+)\\s*$");
    private static final int MAX_CONFIG = 4096;

    private ConfigDumps() {
    }

    /** The config bytes of the dump resource {@code name}, next to this class. */
    public static byte[] load(String name) {
        try (InputStream in = ConfigDumps.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no dump resource " + name + " beside " + ConfigDumps.class);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            byte[] config = new byte[MAX_CONFIG];
            int size = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Matcher m = HEX_LINE.matcher(line);
                if (m.matches()) {
                    int off = Integer.parseInt(m.group(1), 16);
                    String[] bytes = m.group(2).trim().split("\\s+");
                    for (int i = 0; i < bytes.length; i++) {
                        config[off + i] = (byte) Integer.parseInt(bytes[i], 16);
                    }
                    size = Math.max(size, off + bytes.length);
                }
            }
            if (size == 0) {
                throw new IllegalArgumentException("dump resource " + name + " has no hex lines");
            }
            return Arrays.copyOf(config, size);
        } catch (IOException e) {
            throw new UncheckedIOException("reading dump resource " + name, e);
        }
    }
}
