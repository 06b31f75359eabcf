package org.pciguard.api.access;

import java.util.Objects;

/**
 * The address of one PCI function, {@code dddd:bb:dd.f} (domain, bus, device, function), as
 * Linux prints it in {@code /sys/bus/pci/devices} and lspci prints it with {@code -D}.
 *
 * @param domain   PCI segment, 0..0xffff
 * @param bus      bus number, 0..0xff
 * @param device   device number, 0..0x1f
 * @param function function number, 0..7
 */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

    public PciAddress {
        check("domain", domain, 0xffff);
        check("bus", bus, 0xff);
        check("device", device, 0x1f);
        check("function", function, 7);
    }

    private static void check(String what, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("PCI " + what + " " + value + " out of range 0.." + max);
        }
    }

    /**
     * Parses {@code dddd:bb:dd.f} or, with domain 0, {@code bb:dd.f} (hex digits, case-insensitive).
     *
     * @throws IllegalArgumentException naming the text when it is not a PCI address
     */
    public static PciAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        String[] colon = s.split(":", -1);
        if (colon.length < 2 || colon.length > 3) {
            throw bad(text);
        }
        int i = 0;
        try {
            int domain = colon.length == 3 ? hex(colon[i++], 4, text) : 0;
            int bus = hex(colon[i++], 2, text);
            String devfn = colon[i];
            int dot = devfn.indexOf('.');
            if (dot < 0) {
                throw bad(text);
            }
            int dev = hex(devfn.substring(0, dot), 2, text);
            int fn = hex(devfn.substring(dot + 1), 1, text);
            return new PciAddress(domain, bus, dev, fn);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("not a PCI address")) {
                throw e;
            }
            throw new IllegalArgumentException("not a PCI address: '" + text + "' (" + e.getMessage() + ")", e);
        }
    }

    private static int hex(String part, int maxDigits, String text) {
        if (part.isEmpty() || part.length() > maxDigits) {
            throw bad(text);
        }
        for (int k = 0; k < part.length(); k++) {
            if (Character.digit(part.charAt(k), 16) < 0) {
                throw bad(text);
            }
        }
        return Integer.parseInt(part, 16);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not a PCI address: '" + text + "' (expected dddd:bb:dd.f)");
    }

    @Override
    public int compareTo(PciAddress o) {
        int c = Integer.compare(domain, o.domain);
        if (c == 0) c = Integer.compare(bus, o.bus);
        if (c == 0) c = Integer.compare(device, o.device);
        if (c == 0) c = Integer.compare(function, o.function);
        return c;
    }

    /** {@code dddd:bb:dd.f}, lower-case hex. */
    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
    }
}
