package io.lambdahat.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page's data as JSON text, written by hand rather than through a mapper so that a value that is not finite
 * becomes null (JSON has no NaN) and dense metric columns can be cut to six significant digits: a run logs metrics
 * at every few steps, and full doubles would make those columns most of the page's size.
 */
final class Json {
    private static final MathContext SIX = new MathContext(6);
    private final StringBuilder out = new StringBuilder(1 << 14);
    private boolean first = true;

    /** Opens an object; every value written after it until {@link #end()} needs a key. */
    Json object() {
        comma();
        out.append('{');
        first = true;
        return this;
    }

    /** Opens an array. */
    Json array() {
        comma();
        out.append('[');
        first = true;
        return this;
    }

    /** Closes the innermost object. */
    Json end() {
        out.append('}');
        first = false;
        return this;
    }

    /** Closes the innermost array. */
    Json endArray() {
        out.append(']');
        first = false;
        return this;
    }

    /** Writes a key; the next call writes its value. */
    Json key(String k) {
        comma();
        string(k);
        out.append(':');
        first = true;
        return this;
    }

    /** A string value (null for none). */
    Json value(String v) {
        comma();
        if (v == null) out.append("null");
        else string(v);
        return this;
    }

    /** A number at full precision; null when not finite. */
    Json value(double v) {
        comma();
        out.append(Double.isFinite(v) ? Double.toString(v) : "null");
        return this;
    }

    /** An integer. */
    Json value(long v) {
        comma();
        out.append(v);
        return this;
    }

    /** A boolean. */
    Json value(boolean v) {
        comma();
        out.append(v);
        return this;
    }

    /** An array of numbers at full precision (null where not finite). */
    Json numbers(double[] v) {
        array();
        for (double d : v) value(d);
        return endArray();
    }

    /** An array of numbers at six significant digits (null where not finite). */
    Json numbers6(double[] v) {
        array();
        for (double d : v) {
            comma();
            out.append(Double.isFinite(d) ? BigDecimal.valueOf(d).round(SIX).stripTrailingZeros().toString() : "null");
        }
        return endArray();
    }

    /** An array of integers. */
    Json integers(long[] v) {
        array();
        for (long d : v) value(d);
        return endArray();
    }

    /** An array of strings. */
    Json strings(List<String> v) {
        array();
        for (String s : v) value(s);
        return endArray();
    }

    /** An object of strings. */
    Json strings(Map<String, String> v) {
        object();
        v.forEach((k, s) -> key(k).value(s));
        return end();
    }

    /**
     * The text, safe inside a {@code <script>} element: "</" is written "<\/" (the same string to JSON) so that no
     * value can close the element.
     */
    String text() {
        return out.toString().replace("</", "<\\/");
    }

    private void comma() {
        if (!first) out.append(',');
        first = false;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
