package io.lambdahat.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.lambdahat.torch.DType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated JSON header of a safetensors file. Validation follows the reference implementation:
 * every tensor's byte range must hold exactly dtype × shape bytes, and the ranges, sorted, must tile the data
 * region from its first byte to its last with no gap and no overlap.
 *
 * <p>The header is read with a streaming parser, never as a tree, so a hostile 100 MB header costs memory in
 * proportion to the tensors it declares, not to its nesting.
 */
record SafeTensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    /** The reference implementation's cap on the header length. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Far beyond any real tensor; bounds the memory a hostile shape can claim. */
    static final int MAX_RANK = 64;
    static final String METADATA_KEY = "__metadata__";

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
            .build();

    /**
     * Parses {@code json}, the header bytes, for a file whose data region (after the header) has
     * {@code dataLength} bytes.
     */
    static SafeTensorsHeader parse(Path file, byte[] json, long dataLength) {
        if (json.length == 0 || json[0] != '{') {
            throw new SafeTensorsFormatException(file, "the header does not start with '{' (is this a safetensors file?)");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        boolean sawMetadata = false;
        try (JsonParser p = JSON.createParser(json)) {
            expect(file, p.nextToken(), JsonToken.START_OBJECT, "the header");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (METADATA_KEY.equals(key)) {
                    if (sawMetadata) throw new SafeTensorsFormatException(file, "the header has two " + METADATA_KEY + " entries");
                    sawMetadata = true;
                    metadata = parseMetadata(file, p);
                } else {
                    if (tensors.containsKey(key)) {
                        throw new SafeTensorsFormatException(file, "tensor " + quote(key) + " appears twice in the header");
                    }
                    tensors.put(key, parseTensor(file, key, p));
                }
            }
            expect(file, t, JsonToken.END_OBJECT, "the header");
            if (p.nextToken() != null) throw new SafeTensorsFormatException(file, "text follows the header's JSON object");
        } catch (JsonProcessingException e) {
            throw new SafeTensorsFormatException(file, "malformed header JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // The parser reads from a byte array: any IOException is a parse failure of the bytes themselves.
            throw new SafeTensorsFormatException(file, "unreadable header: " + e.getMessage());
        }
        validateLayout(file, tensors.values(), dataLength);
        return new SafeTensorsHeader(Collections.unmodifiableMap(tensors), metadata);
    }

    private static Map<String, String> parseMetadata(Path file, JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) return Map.of();
        expect(file, p.currentToken(), JsonToken.START_OBJECT, METADATA_KEY);
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new SafeTensorsFormatException(file, METADATA_KEY + " entry " + quote(key) + " is not a string");
            }
            if (metadata.put(key, p.getText()) != null) {
                throw new SafeTensorsFormatException(file, METADATA_KEY + " has the key " + quote(key) + " twice");
            }
        }
        expect(file, t, JsonToken.END_OBJECT, METADATA_KEY);
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo parseTensor(Path file, String name, JsonParser p) throws IOException {
        String what = "tensor " + quote(name);
        expect(file, p.currentToken(), JsonToken.START_OBJECT, what);
        String dtypeCode = null;
        long[] shape = null;
        long[] offsets = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    if (value != JsonToken.VALUE_STRING) throw new SafeTensorsFormatException(file, what + ": dtype is not a string");
                    dtypeCode = p.getText();
                }
                case "shape" -> shape = parseLongs(file, p, what + ": shape", MAX_RANK);
                case "data_offsets" -> offsets = parseLongs(file, p, what + ": data_offsets", 2);
                // Unknown fields are ignored, as the reference implementation ignores them.
                default -> p.skipChildren();
            }
        }
        expect(file, t, JsonToken.END_OBJECT, what);
        if (dtypeCode == null) throw new SafeTensorsFormatException(file, what + " has no dtype");
        if (shape == null) throw new SafeTensorsFormatException(file, what + " has no shape");
        if (offsets == null) throw new SafeTensorsFormatException(file, what + " has no data_offsets");
        if (offsets.length != 2) {
            throw new SafeTensorsFormatException(file, what + ": data_offsets must be [begin, end], found "
                    + offsets.length + " numbers");
        }
        DType dtype = SafeTensors.dtypeOf(dtypeCode);
        if (dtype == null) {
            throw new SafeTensorsFormatException(file, what + " has dtype " + quote(dtypeCode)
                    + ", which lambdahat does not support (supported: " + String.join(" ", SafeTensors.CODES) + ")");
        }
        if (offsets[1] < offsets[0]) {
            throw new SafeTensorsFormatException(file, what + ": data_offsets " + Arrays.toString(offsets) + " end before they begin");
        }
        long numel = 1;
        try {
            for (long d : shape) numel = Math.multiplyExact(numel, d);
            long bytes = Math.multiplyExact(numel, (long) dtype.byteSize);
            if (bytes != offsets[1] - offsets[0]) {
                throw new SafeTensorsFormatException(file, what + " of dtype " + dtypeCode + " and shape " + Arrays.toString(shape)
                        + " needs " + bytes + " bytes but data_offsets " + Arrays.toString(offsets) + " span "
                        + (offsets[1] - offsets[0]));
            }
        } catch (ArithmeticException e) {
            throw new SafeTensorsFormatException(file, what + ": the size of shape " + Arrays.toString(shape)
                    + " overflows 64 bits");
        }
        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of at most {@code max} non-negative integers that fit a long. */
    private static long[] parseLongs(Path file, JsonParser p, String what, int max) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw new SafeTensorsFormatException(file, what + " is not an array");
        long[] out = new long[Math.min(max, 8)];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new SafeTensorsFormatException(file, what + " holds " + describe(t, p) + ", not an integer");
            }
            if (n == max) throw new SafeTensorsFormatException(file, what + " has more than " + max + " entries");
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new SafeTensorsFormatException(file, what + " holds " + p.getText() + ", beyond 64 bits");
            }
            long v = p.getLongValue();
            if (v < 0) throw new SafeTensorsFormatException(file, what + " holds the negative number " + v);
            if (n == out.length) out = Arrays.copyOf(out, Math.min(max, 2 * n));
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    /** The reference implementation's rule: sorted by offsets, the byte ranges tile [0, dataLength) exactly. */
    private static void validateLayout(Path file, Iterable<TensorInfo> infos, long dataLength) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long next = 0;
        TensorInfo previous = null;
        for (TensorInfo info : sorted) {
            if (info.begin() != next) {
                String where = previous == null ? "the start of the data" : "the end of tensor " + quote(previous.name());
                throw new SafeTensorsFormatException(file, "tensor " + quote(info.name()) + " begins at data offset "
                        + info.begin() + ", but " + where + " is at " + next
                        + (info.begin() < next ? " (overlapping tensors)" : " (a gap between tensors)"));
            }
            next = info.end();
            previous = info;
        }
        if (next != dataLength) {
            throw new SafeTensorsFormatException(file, next > dataLength
                    ? "the tensors need " + next + " bytes of data but the file holds " + dataLength + " (truncated file?)"
                    : "the file holds " + dataLength + " bytes of data but the tensors cover only " + next
                            + " (trailing bytes after the last tensor)");
        }
    }

    private static void expect(Path file, JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            String want = switch (expected) {
                case START_OBJECT -> "a JSON object";
                case END_OBJECT -> "a closed JSON object";
                default -> expected.toString();
            };
            throw new SafeTensorsFormatException(file, what + " is not " + want + " (found " + actual + ")");
        }
    }

    private static String describe(JsonToken t, JsonParser p) throws IOException {
        return switch (t) {
            case VALUE_NUMBER_FLOAT -> p.getText();
            case VALUE_STRING -> "the string " + quote(p.getText());
            default -> String.valueOf(t);
        };
    }

    /** A name fit for an error message: quoted, control characters escaped, cut short if huge. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        int limit = Math.min(s.length(), 120);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (s.length() > limit) b.append("…(").append(s.length()).append(" chars)");
        return b.append('\'').toString();
    }
}
