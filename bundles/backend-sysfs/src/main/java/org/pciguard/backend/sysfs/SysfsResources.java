package org.pciguard.backend.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;

/**
 * Parses a function's sysfs {@code resource} file: one line per resource, {@code start end flags}
 * in hex ({@code 0x0000004000000000 0x000000400007ffff 0x0000000000140204}). Lines 0..5 are
 * BAR0..BAR5 and line 6 the Expansion ROM; further lines (bridge windows, SR-IOV BARs) are not
 * BARs of the function and are ignored. A line with no flags is an unimplemented BAR (also the
 * upper half of a 64-bit BAR).
 */
final class SysfsResources {

    /** {@code IORESOURCE_IO} (linux/ioport.h): the resource is I/O port space. */
    static final long IORESOURCE_IO = 0x100;
    /** {@code IORESOURCE_MEM} (linux/ioport.h): the resource is memory space. */
    static final long IORESOURCE_MEM = 0x200;
    /** {@code IORESOURCE_PREFETCH} (linux/ioport.h): prefetchable memory. */
    static final long IORESOURCE_PREFETCH = 0x2000;
    /** {@code IORESOURCE_MEM_64} (linux/ioport.h): a 64-bit memory BAR. */
    static final long IORESOURCE_MEM_64 = 0x100000;

    private SysfsResources() {
    }

    /**
     * The implemented BARs and ROM listed in {@code file}, in index order.
     *
     * @throws PciAccessException naming the device, the file and the line when the file cannot be
     *                            read or a line is malformed
     */
    static List<BarInfo> parse(PciAddress device, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new PciAccessException(device, "cannot read " + file + ": " + e.getMessage(), e);
        }
        List<BarInfo> bars = new ArrayList<>();
        for (int index = 0; index <= BarInfo.ROM_INDEX && index < lines.size(); index++) {
            BarInfo bar = parseLine(device, file, index, lines.get(index));
            if (bar != null) {
                bars.add(bar);
            }
        }
        return List.copyOf(bars);
    }

    /** The BAR of one line, or null when the line describes no implemented BAR. */
    private static BarInfo parseLine(PciAddress device, Path file, int index, String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length != 3) {
            throw malformed(device, file, index, line, "expected start, end and flags", null);
        }
        long start;
        long end;
        long flags;
        try {
            start = Long.parseUnsignedLong(hexDigits(fields[0]), 16);
            end = Long.parseUnsignedLong(hexDigits(fields[1]), 16);
            flags = Long.parseUnsignedLong(hexDigits(fields[2]), 16);
        } catch (NumberFormatException e) {
            throw malformed(device, file, index, line, "not hex numbers", e);
        }
        if ((flags & (IORESOURCE_IO | IORESOURCE_MEM)) == 0 || (start == 0 && end == 0)) {
            return null;
        }
        if (Long.compareUnsigned(end, start) < 0) {
            throw malformed(device, file, index, line, "end below start", null);
        }
        long size = end - start + 1;
        BarKind kind;
        if (index == BarInfo.ROM_INDEX) {
            kind = BarKind.ROM;
        } else if ((flags & IORESOURCE_IO) != 0) {
            kind = BarKind.IO;
        } else {
            kind = (flags & IORESOURCE_MEM_64) != 0 ? BarKind.MEMORY64 : BarKind.MEMORY32;
        }
        boolean prefetchable = kind != BarKind.ROM && kind != BarKind.IO && (flags & IORESOURCE_PREFETCH) != 0;
        try {
            return new BarInfo(index, kind, size, prefetchable, false, start);
        } catch (IllegalArgumentException e) {
            throw malformed(device, file, index, line, e.getMessage(), e);
        }
    }

    private static String hexDigits(String field) {
        return field.startsWith("0x") || field.startsWith("0X") ? field.substring(2) : field;
    }

    private static PciAccessException malformed(PciAddress device, Path file, int index, String line, String why,
            Throwable cause) {
        return new PciAccessException(device,
                file + " line " + (index + 1) + " '" + line.trim() + "' (" + (index == BarInfo.ROM_INDEX ? "ROM" : "BAR " + index) + "): " + why, cause);
    }
}
