package org.pciguard.backend.sim;

import java.io.IOException;

/**
 * A device file is malformed. The message names the file and the line, compiler style:
 * {@code 8086-10c9.lspci:7: bad hex byte 'g0'}.
 */
public class DeviceFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    /**
     * @param file   the file's name or path as given
     * @param line   1-based line number, or 0 when the problem is the file as a whole
     * @param reason what is wrong
     */
    public DeviceFileException(String file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
    }

    /** The file, as given to the loader. */
    public String file() {
        return file;
    }

    /** The 1-based line number, or 0 when no single line is at fault. */
    public int line() {
        return line;
    }
}
