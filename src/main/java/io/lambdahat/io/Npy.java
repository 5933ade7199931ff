package io.lambdahat.io;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * NumPy's .npy format (versions 1.0, 2.0 and 3.0): the magic {@code \x93NUMPY}, a version, a little-endian header
 * length, a header that is a Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }},
 * then the raw elements.
 *
 * <p>Element types read and written: {@code f8 f4 f2 i8 i4 i2 i1 u1 b1}, little-endian ({@code <}, or {@code |}
 * for one-byte types). Fortran-ordered files are transposed on reading, so arrays and tensors always come out in
 * C order with the file's logical shape. Anything else (big-endian data, other types, structured or object arrays,
 * trailing bytes, truncation) is an {@link NpyFormatException} that says what to change on the NumPy side.
 */
public final class Npy {
    /** Far beyond what NumPy writes (its own reader refuses headers over 10 000 bytes by default). */
    static final int MAX_HEADER_BYTES = 1 << 20;
    static final int MAX_RANK = 64;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy pads the header so the data starts at a multiple of 64 bytes. */
    private static final int ALIGN = 64;

    private Npy() {}

    /**
     * What a .npy header says, and where the data starts.
     *
     * @param major format major version (1, 2 or 3)
     * @param minor format minor version (0)
     * @param descr the NumPy type string as written, e.g. {@code <f4}
     * @param dtype the element type {@code descr} stands for
     * @param shape the logical shape (copied in and out)
     * @param fortranOrder whether the file stores the elements in Fortran (column-major) order
     * @param dataOffset byte offset of the first element in the file
     */
    public record Header(int major, int minor, String descr, DType dtype, long[] shape, boolean fortranOrder,
                         long dataOffset) {
        /**
         * Copies the shape so that the record stays immutable.
         *
         * @throws NullPointerException if {@code shape} is null
         */
        public Header {
            shape = shape.clone();
        }

        /**
         * The logical shape.
         *
         * @return a copy of the shape
         */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /**
         * Number of elements.
         *
         * @return the product of the shape (1 for a scalar)
         */
        public long numel() {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        /**
         * Bytes of the data that follows the header.
         *
         * @return numel × element size
         */
        public long byteSize() {
            return numel() * dtype.byteSize;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && major == h.major && minor == h.minor && descr.equals(h.descr)
                    && dtype == h.dtype && Arrays.equals(shape, h.shape) && fortranOrder == h.fortranOrder
                    && dataOffset == h.dataOffset;
        }

        @Override
        public int hashCode() {
            return Objects.hash(major, minor, descr, dtype, Arrays.hashCode(shape), fortranOrder, dataOffset);
        }

        @Override
        public String toString() {
            return "Header(v" + major + "." + minor + ", " + descr + ", " + Arrays.toString(shape)
                    + (fortranOrder ? ", fortran order" : "") + ")";
        }
    }

    /**
     * Reads and validates the header of {@code path} (including that the file holds exactly the data it declares).
     *
     * @param path the .npy file
     * @return its header
     * @throws NpyFormatException if the file is not a .npy file this reader accepts
     * @throws IOException if the file cannot be read
     */
    public static Header readHeader(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return readHeader(path, channel);
        }
    }

    /**
     * Reads {@code path} into Java-managed memory, in C order.
     *
     * @param path the .npy file
     * @return the array
     * @throws NpyFormatException if the file is not a .npy file this reader accepts
     * @throws IOException if the file cannot be read
     */
    static NpyArray read(Path path) throws IOException {
        SafeTensors.requireLittleEndian();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            Header h = readHeader(path, channel);
            long bytes = h.byteSize();
            Arena arena = Arena.ofAuto();
            MemorySegment raw = arena.allocate(Math.max(bytes, 1), 8).asSlice(0, bytes);
            readFully(path, channel, raw, h.dataOffset());
            checkBools(path, h.dtype(), raw);
            if (!h.fortranOrder() || h.shape().length < 2) return new NpyArray(h.dtype(), h.shape(), raw);
            MemorySegment c = arena.allocate(Math.max(bytes, 1), 8).asSlice(0, bytes);
            fortranToC(raw, c, h.shape(), h.dtype().byteSize);
            return new NpyArray(h.dtype(), h.shape(), c);
        }
    }

    /**
     * Reads {@code path} into a CPU tensor of the file's dtype and logical shape, C-contiguous.
     *
     * @param path the .npy file
     * @return a new tensor (the caller, or the open scope, owns it)
     * @throws NpyFormatException if the file is not a .npy file this reader accepts
     * @throws IOException if the file cannot be read
     */
    public static Tensor load(Path path) throws IOException {
        SafeTensors.requireLittleEndian();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            Header h = readHeader(path, channel);
            long[] shape = h.shape();
            boolean transpose = h.fortranOrder() && shape.length >= 2;
            // A Fortran-ordered array's bytes are the C-ordered bytes of its transpose, whose shape is reversed.
            long[] stored = transpose ? reversed(shape) : shape;
            Tensor raw = Tensor.empty(h.dtype(), Device.CPU, stored);
            try {
                if (h.byteSize() > 0) {
                    MemorySegment data = raw.data();
                    readFully(path, channel, data, h.dataOffset());
                    checkBools(path, h.dtype(), data);
                }
                if (!transpose) return raw;
                long[] order = new long[shape.length];
                for (int i = 0; i < order.length; i++) order[i] = order.length - 1 - i;
                try (Tensor permuted = raw.permute(order)) {
                    Tensor c = permuted.contiguous();
                    raw.close();
                    return c;
                }
            } catch (RuntimeException | IOException e) {
                raw.close();
                throw e;
            }
        }
    }

    /**
     * Writes {@code tensor} (any device or layout) as a version 1.0 .npy file in C order, byte for byte what
     * {@code numpy.save} writes, atomically like {@link SafeTensors#write}. bfloat16 has no NumPy dtype: convert it.
     *
     * @param path the file to write or replace
     * @param tensor the tensor; left unchanged and still owned by the caller
     * @throws IllegalArgumentException if the tensor is closed or bfloat16
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, Tensor tensor) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensor, "tensor");
        SafeTensors.requireLittleEndian();
        if (tensor.isClosed()) throw new IllegalArgumentException("the tensor is closed");
        String descr = descr(tensor.dtype());
        List<Tensor> temporaries = new ArrayList<>();
        try {
            Tensor host = SafeTensors.hostContiguous(tensor, temporaries);
            long[] shape = host.shape();
            MemorySegment data = host.numel() == 0 ? MemorySegment.NULL : host.data();
            byte[] preamble = preamble(descr, shape);
            AtomicFiles.write(path, channel -> {
                AtomicFiles.writeFully(channel, ByteBuffer.wrap(preamble));
                SafeTensors.writeSegment(channel, data);
            });
        } finally {
            for (Tensor t : temporaries) t.close();
        }
    }

    /**
     * The .npy type string of {@code dtype}.
     *
     * @param dtype the element type
     * @return e.g. {@code <f4} for float32, {@code |b1} for bool
     * @throws IllegalArgumentException for bfloat16, which NumPy lacks
     */
    public static String descr(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> "<f8";
            case FLOAT32 -> "<f4";
            case FLOAT16 -> "<f2";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case INT16 -> "<i2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
            case BFLOAT16 -> throw new IllegalArgumentException(
                    "NumPy has no bfloat16; convert the tensor with to(DType.FLOAT32) before writing .npy");
        };
    }

    // ---------------------------------------------------------------- header

    private static byte[] preamble(String descr, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) dict.append(", ");
            dict.append(shape[i]);
        }
        if (shape.length == 1) dict.append(',');
        dict.append("), }");
        int prefix = MAGIC.length + 2 + 2;
        int total = padded(prefix, dict.length());
        if (total > 0xffff) throw new IllegalArgumentException("a shape of " + shape.length + " dimensions is too long for a .npy header");
        dict.append(" ".repeat(total - dict.length() - 1)).append('\n');
        ByteBuffer b = ByteBuffer.allocate(prefix + total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) total);
        b.put(dict.toString().getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    /** The header length, newline included, that makes prefix + header a multiple of 64. */
    private static int padded(int prefix, int dictLength) {
        int unpadded = prefix + dictLength + 1;
        return dictLength + 1 + (ALIGN - unpadded % ALIGN) % ALIGN;
    }

    private static Header readHeader(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 10) {
            throw new NpyFormatException(path, "the file has " + size + " bytes, too few for a .npy preamble (truncated or empty file)");
        }
        ByteBuffer pre = ByteBuffer.allocate((int) Math.min(size, 12)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(path, channel, pre, 0);
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) throw new NpyFormatException(path, "it does not start with the .npy magic \\x93NUMPY");
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        long headerLength;
        int prefix;
        if (major == 1 && minor == 0) {
            headerLength = pre.getShort(8) & 0xffff;
            prefix = 10;
        } else if ((major == 2 || major == 3) && minor == 0) {
            if (size < 12) throw new NpyFormatException(path, "the file ends inside the version " + major + ".0 preamble");
            headerLength = pre.getInt(8) & 0xffffffffL;
            prefix = 12;
        } else {
            throw new NpyFormatException(path, "format version " + major + "." + minor + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new NpyFormatException(path, "the header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes (corrupt file?)");
        }
        if (prefix + headerLength > size) {
            throw new NpyFormatException(path, "the header length " + headerLength + " runs past the end of the file ("
                    + size + " bytes; truncated file?)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(path, channel, headerBytes, prefix);
        String text;
        if (major == 3) {
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes.flip()).toString();
            } catch (CharacterCodingException e) {
                throw new NpyFormatException(path, "the version 3.0 header is not valid UTF-8");
            }
        } else {
            text = new String(headerBytes.array(), StandardCharsets.ISO_8859_1);
        }
        Map<String, Object> dict = new DictParser(path, text).parse();
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new NpyFormatException(path, "the header has the keys " + dict.keySet()
                    + "; a .npy header has exactly descr, fortran_order and shape");
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new NpyFormatException(path, "descr is not a type string (structured arrays are not supported)");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new NpyFormatException(path, "fortran_order is not True or False");
        }
        if (!(dict.get("shape") instanceof long[] shape)) throw new NpyFormatException(path, "shape is not a tuple of integers");
        DType dtype = dtypeOf(path, descr);
        for (long d : shape) {
            if (d < 0) throw new NpyFormatException(path, "shape " + Arrays.toString(shape) + " has a negative dimension");
        }
        long bytes;
        try {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            bytes = Math.multiplyExact(n, (long) dtype.byteSize);
        } catch (ArithmeticException e) {
            throw new NpyFormatException(path, "the size of shape " + Arrays.toString(shape) + " overflows 64 bits");
        }
        long dataOffset = prefix + headerLength;
        long available = size - dataOffset;
        if (available != bytes) {
            throw new NpyFormatException(path, descr + " " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes of data but the file holds " + available
                    + (available < bytes ? " (truncated file?)" : " (trailing bytes: one array per file)"));
        }
        return new Header(major, minor, descr, dtype, shape, fortran, dataOffset);
    }

    private static DType dtypeOf(Path path, String descr) {
        String hint = "; save with arr.astype('<f4') (or '<f8', '<i4', '<i8', '|u1', '|b1')";
        if (descr.length() < 2) throw new NpyFormatException(path, "descr '" + descr + "' is not a type string" + hint);
        char order = descr.charAt(0);
        String type = descr.substring(1);
        DType dtype = switch (type) {
            case "f8" -> DType.FLOAT64;
            case "f4" -> DType.FLOAT32;
            case "f2" -> DType.FLOAT16;
            case "i8" -> DType.INT64;
            case "i4" -> DType.INT32;
            case "i2" -> DType.INT16;
            case "i1" -> DType.INT8;
            case "u1" -> DType.UINT8;
            case "b1" -> DType.BOOL;
            default -> null;
        };
        if (dtype == null || "<>|=".indexOf(order) < 0) {
            throw new NpyFormatException(path, "dtype '" + descr + "' is not supported" + hint);
        }
        if (dtype.byteSize > 1 && order == '>') {
            throw new NpyFormatException(path, "dtype '" + descr + "' is big-endian; save with arr.astype('<" + type + "')");
        }
        if (dtype.byteSize > 1 && order == '|') {
            throw new NpyFormatException(path, "dtype '" + descr + "' has no byte order ('|') though its elements have "
                    + dtype.byteSize + " bytes");
        }
        return dtype;
    }

    /** The Python literals a .npy header uses: a dict of str keys to str, True/False, or a tuple of ints. */
    private static final class DictParser {
        private final Path path;
        private final String s;
        private int i;

        DictParser(Path path, String s) {
            this.path = path;
            this.s = s;
        }

        Map<String, Object> parse() {
            skipSpace();
            Map<String, Object> dict = new LinkedHashMap<>();
            expect('{');
            skipSpace();
            while (peek() != '}') {
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object value = value(key);
                if (dict.put(key, value) != null) throw fail("the key '" + key + "' appears twice");
                skipSpace();
                if (peek() == ',') {
                    i++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw fail("expected ',' or '}'");
                }
            }
            i++;
            skipSpace();
            if (i != s.length()) throw fail("text follows the header dict");
            return dict;
        }

        private Object value(String key) {
            char c = peek();
            if (c == '\'' || c == '"') return string();
            if (c == '(') return tuple();
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (c == '[' && key.equals("descr")) throw fail("descr is a list: structured arrays are not supported");
            throw fail("the value of '" + key + "' is not a string, tuple, True or False");
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') throw fail("expected a quoted string");
            int start = ++i;
            while (i < s.length() && s.charAt(i) != quote) {
                if (s.charAt(i) == '\\') throw fail("escaped characters in strings are not supported");
                i++;
            }
            if (i == s.length()) throw fail("a string is not closed");
            return s.substring(start, i++);
        }

        private long[] tuple() {
            expect('(');
            skipSpace();
            List<Long> values = new ArrayList<>();
            while (peek() != ')') {
                if (values.size() == MAX_RANK) throw fail("the shape has more than " + MAX_RANK + " dimensions");
                values.add(integer());
                skipSpace();
                if (peek() == ',') {
                    i++;
                    skipSpace();
                } else if (peek() != ')') {
                    throw fail("expected ',' or ')' in a tuple");
                }
            }
            i++;
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() {
            int start = i;
            if (peek() == '-') i++;
            int digits = i;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
            if (i == digits) throw fail("expected an integer");
            String text = s.substring(start, i);
            if (i < s.length() && s.charAt(i) == 'L') i++; // Python 2's long suffix
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw fail("the dimension " + text + " does not fit 64 bits");
            }
        }

        private void skipSpace() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\t' || s.charAt(i) == '\r')) i++;
        }

        private char peek() {
            if (i >= s.length()) throw fail("the header ends early");
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) throw fail("expected '" + c + "'");
            i++;
        }

        private NpyFormatException fail(String problem) {
            return new NpyFormatException(path, "malformed header at character " + i + ": " + problem);
        }
    }

    // ---------------------------------------------------------------- data

    private static void readFully(Path path, FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) throw new NpyFormatException(path, "the file ended while reading (truncated while being read?)");
            at += read;
        }
    }

    private static void readFully(Path path, FileChannel channel, MemorySegment target, long position) throws IOException {
        long chunk = 1L << 26;
        for (long at = 0; at < target.byteSize(); at += chunk) {
            readFully(path, channel, target.asSlice(at, Math.min(chunk, target.byteSize() - at)).asByteBuffer(), position + at);
        }
    }

    private static void checkBools(Path path, DType dtype, MemorySegment data) {
        if (dtype != DType.BOOL) return;
        for (long i = 0; i < data.byteSize(); i++) {
            byte b = data.get(ValueLayout.JAVA_BYTE, i);
            if ((b & ~1) != 0) {
                throw new NpyFormatException(path, "bool element " + i + " holds the byte " + (b & 0xff) + " (only 0 and 1 are booleans)");
            }
        }
    }

    /** Copies a Fortran-ordered array into C order, walking the C index with an odometer. */
    private static void fortranToC(MemorySegment fortran, MemorySegment c, long[] shape, int elementSize) {
        int rank = shape.length;
        long[] fStride = new long[rank];
        long stride = elementSize;
        for (int d = 0; d < rank; d++) {
            fStride[d] = stride;
            stride *= shape[d];
        }
        long n = c.byteSize() / elementSize;
        long[] index = new long[rank];
        long from = 0;
        for (long k = 0; k < n; k++) {
            MemorySegment.copy(fortran, from, c, k * elementSize, elementSize);
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    from += fStride[d];
                    break;
                }
                from -= (shape[d] - 1) * fStride[d];
                index[d] = 0;
            }
        }
    }

    private static long[] reversed(long[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i];
        return r;
    }
}
