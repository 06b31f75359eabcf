package org.pciguard.shell;

import java.io.PrintStream;

import org.pciguard.api.access.PciAddress;

/**
 * Config space in the text format of {@code lspci -x/-xxx/-xxxx}, which {@code lspci -F FILE}
 * decodes: a header line, then 16 bytes a line with the offset in hex.
 */
final class DumpFormat {

    private DumpFormat() {
    }

    static void print(PciAddress address, String description, byte[] config, PrintStream out) {
        String slot = address.domain() == 0
                ? String.format("%02x:%02x.%x", address.bus(), address.device(), address.function())
                : address.toString();
        out.println(description == null || description.isEmpty() ? slot : slot + " " + description);
        StringBuilder line = new StringBuilder(64);
        for (int row = 0; row < config.length; row += 16) {
            line.setLength(0);
            line.append(String.format("%02x:", row));
            for (int i = row; i < Math.min(row + 16, config.length); i++) {
                line.append(' ').append(Character.forDigit((config[i] >> 4) & 0xf, 16))
                        .append(Character.forDigit(config[i] & 0xf, 16));
            }
            out.println(line);
        }
        out.println();
    }
}
