package org.pciguard.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of one command: options ({@code --name} or {@code --name VALUE}) taken out by name, then
 * the positional words. Every problem is an {@link IllegalArgumentException}: a usage error.
 */
final class Args {

    private static final Pattern NUMBER = Pattern.compile("0x([0-9a-f]+)|([0-9]+)");

    private final List<String> words;

    Args(String... args) {
        this.words = args == null ? new ArrayList<>() : new ArrayList<>(List.of(args));
    }

    /** Takes out a flag; true if it was given. A flag given twice is left behind, so it is reported unknown. */
    boolean flag(String name) {
        return words.remove(name);
    }

    /** Takes out {@code name VALUE}, or returns {@code fallback} when the option is absent. */
    String option(String name, String fallback) {
        int i = words.indexOf(name);
        if (i < 0) {
            return fallback;
        }
        if (i + 1 >= words.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = words.remove(i + 1);
        words.remove(i);
        return value;
    }

    /**
     * The positional words left, after checking that no unknown option is among them and that there are
     * {@code min} to {@code max} of them.
     *
     * @param what the message when the count is wrong ({@code caps needs one DEVICE})
     */
    List<String> positional(int min, int max, String what) {
        for (String w : words) {
            if (w.startsWith("--")) {
                throw new IllegalArgumentException("unknown option '" + w + "'");
            }
        }
        if (words.size() < min || words.size() > max) {
            throw new IllegalArgumentException(what);
        }
        return List.copyOf(words);
    }

    /** The single positional word; see {@link #positional}. */
    String single(String what) {
        return positional(1, 1, what).get(0);
    }

    /** Checks that nothing is left: {@code command: unexpected argument 'x'} otherwise. */
    void none(String command) {
        if (!words.isEmpty()) {
            throw new IllegalArgumentException(command + ": unexpected argument '" + words.get(0) + "'");
        }
    }

    /**
     * Parses {@code 0x1f} or {@code 31}, up to 64 bits unsigned (an 8-byte value may be above
     * {@link Long#MAX_VALUE}).
     *
     * @throws NumberFormatException (an {@link IllegalArgumentException}) naming the text
     */
    static long number(String text) {
        Matcher m = NUMBER.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new NumberFormatException("'" + text + "' is not a number (hex with 0x, or decimal)");
        }
        try {
            return m.group(1) != null ? Long.parseUnsignedLong(m.group(1), 16) : Long.parseUnsignedLong(m.group(2));
        } catch (NumberFormatException e) {
            throw new NumberFormatException("'" + text + "' does not fit in 64 bits");
        }
    }

    /** {@code value} as {@code 0x} and exactly {@code 2*size} hex digits. */
    static String hex(long value, int size) {
        String digits = Long.toHexString(size == 8 ? value : value & ((1L << (8 * size)) - 1));
        return "0x" + "0".repeat(Math.max(0, 2 * size - digits.length())) + digits;
    }
}
