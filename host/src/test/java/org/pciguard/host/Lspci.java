package org.pciguard.host;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code lspci -F FILE ...} of pciutils, the outside oracle; tests that need it are skipped where it is not installed. */
record Lspci(int status, String out) {

    private static final Pattern CAPABILITY = Pattern.compile("^\\s+Capabilities: \\[([0-9a-f]+)(?: v[0-9]+)?\\]",
            Pattern.MULTILINE);
    private static final boolean INSTALLED = probe();

    private static boolean probe() {
        try {
            return exec(List.of("lspci", "--version")).status == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Skips the calling test when lspci is not installed. */
    static void assumeInstalled() {
        assumeTrue(INSTALLED, "lspci is not installed");
    }

    /** {@code lspci -F file options...}; stderr is discarded (lspci warns about libkmod there). */
    static Lspci decode(Path file, String... options) {
        List<String> command = new ArrayList<>(List.of("lspci", "-F", file.toString()));
        command.addAll(List.of(options));
        try {
            return exec(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Lspci exec(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return new Lspci(p.waitFor(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for lspci", e);
        }
    }

    /** The offsets of {@code Capabilities: [xx]} lines of a {@code -vvv} decode, in the order printed. */
    List<Integer> capabilityOffsets() {
        List<Integer> offsets = new ArrayList<>();
        Matcher m = CAPABILITY.matcher(out);
        while (m.find()) {
            offsets.add(Integer.parseInt(m.group(1), 16));
        }
        return offsets;
    }
}
