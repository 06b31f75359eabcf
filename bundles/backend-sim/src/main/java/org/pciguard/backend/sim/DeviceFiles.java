package org.pciguard.backend.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.backend.sim.internal.HeaderLayout;
import org.pciguard.backend.sim.internal.Le;

/**
 * Reads device files: the {@code lspci -x} (64 bytes), {@code -xxx} (256) or {@code -xxxx} (4096)
 * text of one function, with an optional header line {@code [dddd:]bb:dd.f description} first.
 * BAR and Expansion ROM sizes come from {@code lspci -vvv} lines ({@code Region N: ... [size=S]},
 * {@code Expansion ROM at ... [size=S]}) indented in the same file, or else from a sibling file
 * {@code NAME.vvv.txt} beside {@code NAME.lspci}. Only lines before the first
 * {@code Capabilities:} line count: later Region lines describe SR-IOV VF BARs. Lines marked
 * {@code [virtual]} are not backed by a BAR register (Enhanced Allocation, a firmware ROM copy)
 * and are ignored.
 * <p>
 * Where no size is known, a BAR gets the largest size its address alignment allows, capped by what
 * its kind can hold (256 bytes of I/O, PCI 3.0 6.2.5.1; 2 GiB for a 32-bit BAR; 2^62 bytes for a
 * 64-bit BAR; 16 MiB of Expansion ROM, PCI 3.0 6.3.1), and {@link BarInfo#sizeInferred()} says so.
 * A register that reads 0 with no known size is an unimplemented BAR.
 */
public final class DeviceFiles {

    /** File name suffix of a device file in a directory of devices. */
    public static final String DUMP_SUFFIX = ".lspci";
    /** File name suffix of the sibling holding {@code lspci -vvv} text. */
    public static final String SIBLING_SUFFIX = ".vvv.txt";

    private static final Pattern HEADER = Pattern
            .compile("((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7])(?:\\s+(.*))?");
    private static final Pattern HEX_LINE = Pattern.compile("([0-9a-fA-F]{1,4}):(.*)");
    private static final Pattern HEX_BYTE = Pattern.compile("[0-9a-fA-F]{2}");
    private static final Pattern REGION = Pattern.compile("Region ([0-9]+): (.*)");
    private static final Pattern ROM = Pattern.compile("Expansion ROM at (.*)");
    private static final Pattern SIZE = Pattern.compile("\\[size=([0-9]{1,12})([KMGT]?)\\]");
    private static final String CAPABILITIES = "Capabilities:";
    private static final String VIRTUAL = "[virtual]";
    private static final int BYTES_PER_LINE = 16;
    private static final int BAR_REGISTERS = 6;
    private static final int SIZE_UNITS = 10;
    private static final String UNITS = "KMGT";

    /** Smallest and largest sizes by kind (PCI 3.0, 6.2.5.1 and 6.3.1). */
    private static final long MIN_IO = 4;
    private static final long MAX_IO = 256;
    private static final long MIN_MEMORY = 16;
    private static final long MAX_MEMORY32 = 1L << 31;
    private static final long MAX_MEMORY64 = 1L << 62;
    private static final long MIN_ROM = 2048;
    private static final long MAX_ROM = 16L << 20;

    private DeviceFiles() {
    }

    /**
     * Loads one device file, and its sibling {@code NAME.vvv.txt} when there is one.
     *
     * @throws DeviceFileException naming the file and line when the file is malformed
     * @throws IOException         when the file cannot be read
     */
    public static DeviceImage load(Path file) throws IOException {
        Path sibling = siblingOf(file);
        String siblingText = sibling != null && Files.isRegularFile(sibling) ? read(sibling) : null;
        return parse(file.toString(), file.getFileName().toString(), read(file),
                sibling == null ? null : sibling.getFileName().toString(), siblingText);
    }

    /**
     * Parses the text of a device file.
     *
     * @param source      the file name, for messages and {@link DeviceImage#source()}
     * @param text        the file's text
     * @param siblingText the text of its {@code NAME.vvv.txt} sibling, or null
     * @throws DeviceFileException naming {@code source} and the line when the text is malformed
     */
    public static DeviceImage parse(String source, String text, String siblingText) throws DeviceFileException {
        return parse(source, source, text, siblingName(source), siblingText);
    }

    /** The sibling holding {@code lspci -vvv} text for a device file, or null for a sibling itself. */
    public static Path siblingOf(Path file) {
        String name = file.getFileName().toString();
        String sibling = siblingName(name);
        return sibling == null ? null : file.resolveSibling(sibling);
    }

    private static String siblingName(String name) {
        if (name.endsWith(SIBLING_SUFFIX)) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + SIBLING_SUFFIX;
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static DeviceImage parse(String display, String source, String text, String siblingDisplay,
            String siblingText) throws DeviceFileException {
        List<String> warnings = new ArrayList<>();
        long[] sizes = new long[BarInfo.ROM_INDEX + 1];
        PciAddress address = null;
        String description = null;
        byte[] bytes = new byte[PciRegs.CFG_SPACE_EXP_SIZE];
        int count = 0;
        int lastHexLine = 0;
        boolean decodeSeen = false;
        boolean inCaps = false;
        String[] lines = text.split("\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].stripTrailing();
            if (line.isEmpty()) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) { // an indented lspci -v line
                decodeSeen = true;
                inCaps = decode(line.strip(), inCaps, "line " + n, sizes, warnings);
                continue;
            }
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                if (address != null || count > 0) {
                    throw new DeviceFileException(display, n, "a second device header; a device file holds one device");
                }
                if (decodeSeen) {
                    throw new DeviceFileException(display, n, "the header line must come first");
                }
                try {
                    address = PciAddress.parse(header.group(1));
                } catch (IllegalArgumentException e) {
                    throw new DeviceFileException(display, n, e.getMessage());
                }
                description = header.group(2) == null ? "" : header.group(2).strip();
                continue;
            }
            Matcher hex = HEX_LINE.matcher(line);
            if (!hex.matches()) {
                throw new DeviceFileException(display, n, "neither a header, a hex dump nor an indented lspci -v line: '"
                        + abbreviate(line) + "'");
            }
            int offset = Integer.parseInt(hex.group(1), 16);
            if (count == bytes.length) {
                throw new DeviceFileException(display, n, "too many bytes: configuration space ends at 0x"
                        + Integer.toHexString(bytes.length));
            }
            if (offset != count) {
                throw new DeviceFileException(display, n, String.format("offset 0x%02x where 0x%02x was expected", offset, count));
            }
            String data = hex.group(2).strip();
            String[] tokens = data.isEmpty() ? new String[0] : data.split("\\s+");
            if (tokens.length < BYTES_PER_LINE) {
                throw new DeviceFileException(display, n, "short line: " + tokens.length + " bytes where " + BYTES_PER_LINE
                        + " were expected");
            }
            if (tokens.length > BYTES_PER_LINE) {
                throw new DeviceFileException(display, n, "too many bytes on the line: " + tokens.length + " where "
                        + BYTES_PER_LINE + " were expected");
            }
            for (String t : tokens) {
                if (!HEX_BYTE.matcher(t).matches()) {
                    throw new DeviceFileException(display, n, "bad hex byte '" + abbreviate(t) + "'");
                }
                bytes[count++] = (byte) Integer.parseInt(t, 16);
            }
            lastHexLine = n;
        }
        if (count == 0) {
            throw new DeviceFileException(display, 0, "no configuration bytes (expected lspci -x, -xxx or -xxxx hex lines)");
        }
        if (count != PciRegs.STD_HEADER_SIZEOF && count != PciRegs.CFG_SPACE_SIZE && count != PciRegs.CFG_SPACE_EXP_SIZE) {
            throw new DeviceFileException(display, lastHexLine, "the dump ends after " + count + " bytes; expected "
                    + PciRegs.STD_HEADER_SIZEOF + ", " + PciRegs.CFG_SPACE_SIZE + " or " + PciRegs.CFG_SPACE_EXP_SIZE);
        }
        if (siblingText != null) {
            boolean siblingCaps = false;
            String[] sibling = siblingText.split("\n", -1);
            for (int n = 1; n <= sibling.length; n++) {
                siblingCaps = decode(sibling[n - 1].strip(), siblingCaps, siblingDisplay + " line " + n, sizes, warnings);
            }
        }
        byte[] cfg = Arrays.copyOf(bytes, count);
        List<BarInfo> bars = bars(cfg, sizes, warnings);
        if (description == null || description.isEmpty()) {
            description = source;
        }
        return new DeviceImage(source, address, description, cfg, bars, warnings);
    }

    /**
     * Takes the size from one {@code lspci -vvv} line if it is a Region or Expansion ROM line of the
     * function itself. Returns whether the capability section has begun. A size already known
     * (from the device file itself) wins.
     */
    private static boolean decode(String line, boolean inCaps, String where, long[] sizes, List<String> warnings) {
        if (inCaps || line.startsWith(CAPABILITIES)) {
            return true;
        }
        int index;
        String rest;
        Matcher region = REGION.matcher(line);
        Matcher rom = ROM.matcher(line);
        if (region.matches()) {
            index = Integer.parseInt(region.group(1));
            rest = region.group(2);
            if (index >= BAR_REGISTERS) {
                warnings.add(where + ": Region " + index + " does not exist; ignored");
                return false;
            }
        } else if (rom.matches()) {
            index = BarInfo.ROM_INDEX;
            rest = rom.group(1);
        } else {
            return false;
        }
        String what = index == BarInfo.ROM_INDEX ? "Expansion ROM" : "Region " + index;
        if (rest.contains(VIRTUAL)) {
            warnings.add(where + ": " + what + " is [virtual], not decoded by a BAR register; ignored");
            return false;
        }
        Matcher size = SIZE.matcher(rest);
        if (!size.find()) {
            return false;
        }
        String unit = size.group(2);
        long value = Long.parseLong(size.group(1)) << (unit.isEmpty() ? 0 : SIZE_UNITS * (UNITS.indexOf(unit) + 1));
        if (value <= 0 || Long.bitCount(value) != 1) {
            warnings.add(where + ": " + what + " size " + size.group(1) + size.group(2) + " is not a power of two; ignored");
        } else if (sizes[index] == 0) {
            sizes[index] = value;
        }
        return false;
    }

    private static List<BarInfo> bars(byte[] cfg, long[] sizes, List<String> warnings) {
        int type = HeaderLayout.headerType(cfg);
        int count = HeaderLayout.barCount(type);
        List<BarInfo> bars = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int reg = PciRegs.BASE_ADDRESS_0 + 4 * i;
            int low = Le.get(cfg, reg, 4);
            if (low == 0 && sizes[i] == 0) {
                continue; // unimplemented: reads 0
            }
            boolean io = (low & BaseAddress.SPACE_IO) != 0;
            int memType = low & BaseAddress.MEM_TYPE_MASK;
            BarKind kind = io ? BarKind.IO : memType == BaseAddress.MEM_TYPE_64 ? BarKind.MEMORY64 : BarKind.MEMORY32;
            if (kind == BarKind.MEMORY64 && i == count - 1) {
                warnings.add("BAR " + i + ": 64-bit type in the last BAR register; taken as 32-bit");
                kind = BarKind.MEMORY32;
            } else if (!io && memType == BaseAddress.MEM_TYPE_MASK) {
                warnings.add("BAR " + i + ": reserved memory type 11b; taken as 32-bit");
            }
            long address = Integer.toUnsignedLong(low & (io ? BaseAddress.IO_MASK : BaseAddress.MEM_MASK));
            if (kind == BarKind.MEMORY64) {
                address |= Integer.toUnsignedLong(Le.get(cfg, reg + 4, 4)) << 32;
                if (sizes[i + 1] != 0) {
                    warnings.add("Region " + (i + 1) + " is the upper half of 64-bit BAR " + i + "; its size is ignored");
                }
            }
            BarInfo bar = bar(cfg, reg, i, kind, !io && (low & BaseAddress.MEM_PREFETCH) != 0, address, sizes[i], warnings);
            bars.add(bar);
            if (kind == BarKind.MEMORY64) {
                i++;
            }
        }
        for (int i = count; i < BAR_REGISTERS; i++) {
            if (sizes[i] != 0) {
                warnings.add("Region " + i + ": a type " + type + " header has " + count + " BARs; ignored");
            }
        }
        int romReg = HeaderLayout.romRegister(type);
        if (romReg < 0) {
            if (sizes[BarInfo.ROM_INDEX] != 0) {
                warnings.add("Expansion ROM: a type " + type + " header has none; ignored");
            }
        } else if (Le.get(cfg, romReg, 4) != 0 || sizes[BarInfo.ROM_INDEX] != 0) {
            long address = Integer.toUnsignedLong(Le.get(cfg, romReg, 4) & PciRegs.ROM_ADDRESS_MASK);
            bars.add(bar(cfg, romReg, BarInfo.ROM_INDEX, BarKind.ROM, false, address, sizes[BarInfo.ROM_INDEX], warnings));
        }
        return bars;
    }

    private static BarInfo bar(byte[] cfg, int reg, int index, BarKind kind, boolean prefetch, long address, long known,
            List<String> warnings) {
        String what = index == BarInfo.ROM_INDEX ? "Expansion ROM" : "BAR " + index;
        long min = kind == BarKind.IO ? MIN_IO : kind == BarKind.ROM ? MIN_ROM : MIN_MEMORY;
        long max = kind == BarKind.IO ? MAX_IO : kind == BarKind.ROM ? MAX_ROM
                : kind == BarKind.MEMORY64 ? MAX_MEMORY64 : MAX_MEMORY32;
        if (known == 0) {
            long size = Math.max(min, address == 0 ? max : Math.min(Long.lowestOneBit(address), max));
            warnings.add(what + ": size unknown, inferred " + human(size) + " from the address alignment");
            return new BarInfo(index, kind, size, prefetch, true, address);
        }
        long size = Math.min(Math.max(known, min), max);
        if (size != known) {
            warnings.add(what + ": size " + human(known) + " outside " + human(min) + ".." + human(max) + "; taken as "
                    + human(size));
        }
        long below = address & (size - 1);
        if (below != 0) {
            warnings.add(String.format("%s: address 0x%x is not aligned to its size %s; low bits cleared", what, address,
                    human(size)));
            address &= ~below;
            Le.put(cfg, reg, 4, Le.get(cfg, reg, 4) & ~(int) below);
            if (kind == BarKind.MEMORY64) {
                Le.put(cfg, reg + 4, 4, Le.get(cfg, reg + 4, 4) & ~(int) (below >>> 32));
            }
        }
        return new BarInfo(index, kind, size, prefetch, false, address);
    }

    /** A size as lspci prints it: 512, 4K, 16M, 8G. */
    static String human(long size) {
        int unit = 0;
        while (unit < UNITS.length() && size >= 1L << SIZE_UNITS && (size & ((1L << SIZE_UNITS) - 1)) == 0) {
            size >>>= SIZE_UNITS;
            unit++;
        }
        return size + (unit == 0 ? "" : String.valueOf(UNITS.charAt(unit - 1)));
    }

    private static String abbreviate(String s) {
        int max = 40;
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
