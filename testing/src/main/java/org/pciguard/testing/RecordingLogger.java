package org.pciguard.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A System.Logger that keeps every message, for asserting what was logged. */
public final class RecordingLogger implements System.Logger {

    /** Every message, {@code LEVEL text}, in the order logged. */
    public final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        messages.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        messages.add(level + " " + (params == null ? format : MessageFormat.format(format, params)));
    }

    /** The messages containing every fragment. */
    public List<String> containing(String... fragments) {
        return messages.stream().filter(m -> {
            for (String f : fragments) {
                if (!m.contains(f)) {
                    return false;
                }
            }
            return true;
        }).toList();
    }
}
