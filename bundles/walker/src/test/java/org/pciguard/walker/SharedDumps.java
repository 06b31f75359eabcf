package org.pciguard.walker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.pciguard.testing.PciDumps;

/**
 * The shared real device dumps ({@code shared/pci-dumps}) and what {@code SOURCES.md} says lspci
 * decodes from each. A test-local reader: the production device-file loader lives in backend-sim.
 */
final class SharedDumps {

    private static final Pattern HEX_LINE = Pattern.compile("^([0-9a-fA-F]{2,3}):((?:\\s+[0-9a-fA-F]{2})+)\\s*$");
    private static final Pattern SECTION = Pattern.compile("^### `([^`]+)`\\s*$");
    private static final Pattern LIST_HEAD = Pattern.compile("^- (Standard|Extended) capabilities \\((\\d+)\\):.*$");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s+- 0x([0-9a-f]+) id 0x([0-9a-f]+)\\b.*$");

    /** One capability as SOURCES.md lists it. */
    record Entry(int offset, int id) {
        @Override
        public String toString() {
            return String.format("0x%x/0x%x", offset, id);
        }
    }

    /** The standard and extended capabilities SOURCES.md lists for one dump, in chain order. */
    record Expected(List<Entry> standard, List<Entry> extended) {
    }

    private SharedDumps() {
    }

    /** Every {@code *.lspci} dump, sorted by name. */
    static List<Path> all() {
        try (Stream<Path> files = Files.list(PciDumps.dir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".lspci")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dump file called {@code name}. */
    static Path file(String name) {
        return PciDumps.dir().resolve(name);
    }

    /**
     * The config bytes of an {@code lspci -x/-xxx/-xxxx} dump: lines {@code OO: xx xx ...}, an
     * optional header line; the size is the end of the last line.
     */
    static byte[] load(Path file) {
        List<String> lines = readLines(file);
        byte[] buf = new byte[4096];
        int size = 0;
        for (String line : lines) {
            Matcher m = HEX_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int off = Integer.parseInt(m.group(1), 16);
            String[] bytes = m.group(2).trim().split("\\s+");
            for (int i = 0; i < bytes.length; i++) {
                buf[off + i] = (byte) Integer.parseInt(bytes[i], 16);
            }
            size = Math.max(size, off + bytes.length);
        }
        if (size == 0) {
            throw new IllegalArgumentException(file + ": no hex dump lines");
        }
        return java.util.Arrays.copyOf(buf, size);
    }

    /** SOURCES.md's capability lists, by dump file name. */
    static Map<String, Expected> sources() {
        Map<String, Expected> result = new HashMap<>();
        String file = null;
        List<Entry> standard = new ArrayList<>();
        List<Entry> extended = new ArrayList<>();
        List<Entry> current = null;
        int declared = 0;
        for (String line : readLines(PciDumps.dir().resolve("SOURCES.md"))) {
            Matcher section = SECTION.matcher(line);
            Matcher head = LIST_HEAD.matcher(line);
            Matcher item = LIST_ITEM.matcher(line);
            if (section.matches()) {
                checkCount(file, current, declared);
                if (file != null) {
                    result.put(file, new Expected(List.copyOf(standard), List.copyOf(extended)));
                }
                file = section.group(1);
                standard.clear();
                extended.clear();
                current = null;
            } else if (file != null && head.matches()) {
                checkCount(file, current, declared);
                current = head.group(1).equals("Standard") ? standard : extended;
                declared = Integer.parseInt(head.group(2));
            } else if (current != null && item.matches()) {
                current.add(new Entry(Integer.parseInt(item.group(1), 16), Integer.parseInt(item.group(2), 16)));
            } else if (!line.startsWith("  ")) {
                checkCount(file, current, declared);
                current = null;
            }
        }
        checkCount(file, current, declared);
        if (file != null) {
            result.put(file, new Expected(List.copyOf(standard), List.copyOf(extended)));
        }
        return result;
    }

    private static void checkCount(String file, List<Entry> list, int declared) {
        if (list != null && list.size() != declared) {
            throw new IllegalStateException("SOURCES.md, " + file + ": " + declared + " capabilities declared, "
                    + list.size() + " listed");
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
