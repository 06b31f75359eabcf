package org.pciguard.host;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs {@link Main} in-process, as {@code ./pciguard ARGS < STDIN} would, and keeps what it printed. */
record Cli(int status, String out, String err) {

    static Cli run(String... args) {
        return runWithInput("", args);
    }

    static Cli runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = new Main(o, e).run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> lines() {
        return out.lines().toList();
    }

    /** For assertion messages: the status and both streams. */
    String transcript() {
        return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
    }
}
