package org.pciguard.shell;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.osgi.dto.DTO;

/**
 * OSGi DTOs as indented JSON: a DTO is its public instance fields (primitives, strings, arrays and
 * nested DTOs, the only types the DTO rules allow), in declaration order.
 */
final class DtoJson {

    private static final String INDENT = "  ";

    private DtoJson() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        value(out, value, "");
        return out.toString();
    }

    private static void value(StringBuilder out, Object v, String indent) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            out.append(v);
        } else if (v.getClass().isArray()) {
            array(out, v, indent);
        } else if (v instanceof DTO) {
            object(out, v, indent);
        } else {
            string(out, v.toString());
        }
    }

    private static void array(StringBuilder out, Object array, String indent) {
        int n = Array.getLength(array);
        if (n == 0) {
            out.append("[]");
            return;
        }
        out.append("[\n");
        for (int i = 0; i < n; i++) {
            out.append(indent).append(INDENT);
            value(out, Array.get(array, i), indent + INDENT);
            out.append(i + 1 < n ? ",\n" : "\n");
        }
        out.append(indent).append(']');
    }

    private static void object(StringBuilder out, Object dto, String indent) {
        out.append("{\n");
        boolean first = true;
        for (Field f : dto.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            if (!first) {
                out.append(",\n");
            }
            first = false;
            out.append(indent).append(INDENT);
            string(out, f.getName());
            out.append(": ");
            try {
                value(out, f.get(dto), indent + INDENT);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("DTO field " + f + " is not public", e);
            }
        }
        out.append('\n').append(indent).append('}');
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
