package io.lambdahat.io;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static io.lambdahat.io.IoTestSupport.rawSafetensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Corrupt and malicious files: each must give a SafeTensorsFormatException naming the file and the problem. */
class SafeTensorsHostileTest {
    @TempDir
    Path dir;

    private static String tensor(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    /** Opening {@code bytes} fails with a message that names the file and contains {@code expected}. */
    private void rejects(byte[] bytes, String expected) throws IOException {
        Path file = dir.resolve("hostile.safetensors");
        Files.write(file, bytes);
        var e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file + ": not a valid safetensors file: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertEquals(file, e.file());
    }

    private void rejects(String header, byte[] data, String expected) throws IOException {
        rejects(rawSafetensors(header, data), expected);
    }

    private static byte[] lengthOnly(long n, int extra) {
        return ByteBuffer.allocate(8 + extra).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    @Test
    void truncatedFiles() throws IOException {
        rejects(new byte[0], "has 0 bytes");
        rejects(new byte[]{8, 0, 0, 0, 0}, "has 5 bytes");
        rejects(lengthOnly(64, 10), "header length 64 runs past the end of the file (18 bytes");
        String ok = "{" + tensor("w", "F32", "[4]", "[0,16]") + "}";
        rejects(ok, new byte[12], "the tensors need 16 bytes of data but the file holds 12");
    }

    @Test
    void absurdHeaderLengths() throws IOException {
        rejects(lengthOnly(200_000_000L, 4), "header length 200000000 exceeds the limit of 100000000");
        rejects(lengthOnly(-1L, 4), "header length 18446744073709551615 exceeds the limit");
        rejects(lengthOnly(Long.MIN_VALUE, 4), "header length 9223372036854775808 exceeds the limit");
    }

    @Test
    void malformedJson() throws IOException {
        rejects("[1,2]", new byte[0], "does not start with '{'");
        rejects(" {}", new byte[0], "does not start with '{'");
        rejects("{\"a\":", new byte[0], "malformed header JSON");
        rejects("{\"a\" 1}", new byte[0], "malformed header JSON");
        rejects("{} {}", new byte[0], "text follows the header's JSON object");
        rejects("{\"w\":[1]}", new byte[0], "tensor 'w' is not a JSON object");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[]," + "\"x\":".repeat(1) + "[".repeat(40) + "]".repeat(40)
                + ",\"data_offsets\":[0,4]}}", new byte[4], "malformed header JSON");
        byte[] badUtf8 = rawSafetensors("{\"\u00e9\":1}", new byte[0]);
        badUtf8[10] = (byte) 0xff;
        rejects(badUtf8, "malformed header JSON");
    }

    @Test
    void missingOrMistypedFields() throws IOException {
        rejects("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4], "tensor 'w' has no dtype");
        rejects("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4], "tensor 'w' has no shape");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4], "tensor 'w' has no data_offsets");
        rejects("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4], "dtype is not a string");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}}", new byte[4], "shape is not an array");
        rejects("{" + tensor("w", "F32", "[1.5]", "[0,4]") + "}", new byte[4], "shape holds 1.5, not an integer");
        rejects("{" + tensor("w", "F32", "[\"2\"]", "[0,8]") + "}", new byte[8], "shape holds the string '2'");
        rejects("{" + tensor("w", "F32", "[1]", "[0,4,8]") + "}", new byte[8], "data_offsets has more than 2 entries");
        rejects("{" + tensor("w", "F32", "[1]", "[4]") + "}", new byte[4], "data_offsets must be [begin, end]");
        rejects("{\"__metadata__\":{\"a\":1}}", new byte[0], "__metadata__ entry 'a' is not a string");
        rejects("{\"__metadata__\":[\"a\"]}", new byte[0], "__metadata__ is not a JSON object");
        rejects("{\"__metadata__\":{},\"__metadata__\":{}}", new byte[0], "two __metadata__ entries");
        rejects("{\"__metadata__\":{\"a\":\"x\",\"a\":\"y\"}}", new byte[0], "has the key 'a' twice");
        rejects("{" + tensor("w", "F32", "[1]", "[0,4]") + "," + tensor("w", "F32", "[1]", "[4,8]") + "}", new byte[8],
                "tensor 'w' appears twice");
    }

    @Test
    void unknownDtypes() throws IOException {
        rejects("{" + tensor("w", "F8_E4M3", "[4]", "[0,4]") + "}", new byte[4],
                "tensor 'w' has dtype 'F8_E4M3', which lambdahat does not support (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
        rejects("{" + tensor("w", "f32", "[1]", "[0,4]") + "}", new byte[4], "dtype 'f32'");
    }

    @Test
    void negativeHugeAndOverflowingShapes() throws IOException {
        rejects("{" + tensor("w", "F32", "[-1]", "[0,4]") + "}", new byte[4], "shape holds the negative number -1");
        rejects("{" + tensor("w", "U8", "[99999999999999999999]", "[0,4]") + "}", new byte[4], "beyond 64 bits");
        rejects("{" + tensor("w", "U8", "[4294967296,4294967296]", "[0,0]") + "}", new byte[0],
                "the size of shape [4294967296, 4294967296] overflows 64 bits");
        // The product fits but the byte count does not.
        rejects("{" + tensor("w", "F64", "[2305843009213693952]", "[0,0]") + "}", new byte[0], "overflows 64 bits");
        String rank65 = "[" + "1,".repeat(64) + "1]";
        rejects("{" + tensor("w", "U8", rank65, "[0,1]") + "}", new byte[1], "shape has more than 64 entries");
    }

    @Test
    void offsetsOutOfRangeOverlappingOrWithGaps() throws IOException {
        rejects("{" + tensor("w", "F32", "[1]", "[8,4]") + "}", new byte[4], "end before they begin");
        rejects("{" + tensor("w", "F32", "[1]", "[-4,0]") + "}", new byte[4], "data_offsets holds the negative number -4");
        rejects("{" + tensor("w", "F32", "[1]", "[4,8]") + "}", new byte[8], "begins at data offset 4, but the start of the data is at 0 (a gap");
        rejects("{" + tensor("a", "F32", "[2]", "[0,8]") + "," + tensor("b", "F32", "[2]", "[4,12]") + "}", new byte[12],
                "tensor 'b' begins at data offset 4, but the end of tensor 'a' is at 8 (overlapping tensors)");
        rejects("{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("b", "F32", "[1]", "[8,12]") + "}", new byte[12],
                "(a gap between tensors)");
        rejects("{" + tensor("w", "F32", "[1]", "[0,4]") + "}", new byte[6], "cover only 4 (trailing bytes");
        rejects("{" + tensor("w", "F32", "[1]", "[0,9223372036854775807]") + "}", new byte[4], "needs 4 bytes but data_offsets");
    }

    @Test
    void sizeNotMatchingDtypeTimesShape() throws IOException {
        rejects("{" + tensor("w", "F32", "[3]", "[0,8]") + "}", new byte[8],
                "tensor 'w' of dtype F32 and shape [3] needs 12 bytes but data_offsets [0, 8] span 8");
        rejects("{" + tensor("s", "F64", "[]", "[0,4]") + "}", new byte[4], "shape [] needs 8 bytes");
    }

    @Test
    void namesInMessagesAreEscapedAndShortened() throws IOException {
        String name = "\\u0007bell" + "x".repeat(500);
        rejects("{" + tensor(name, "F32", "[3]", "[0,4]") + "}", new byte[4], "'\\u0007bell" + "x".repeat(115) + "…(505 chars)'");
    }

    @Test
    void boolBytesOtherThanZeroAndOneAreRejectedWhenRead() throws IOException {
        Path file = dir.resolve("bools.safetensors");
        Files.write(file, rawSafetensors("{" + tensor("m", "BOOL", "[3]", "[0,3]") + "}", new byte[]{1, 0, 2}));
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            var e = assertThrows(SafeTensorsFormatException.class, () -> f.load("m"));
            assertTrue(e.getMessage().contains("BOOL tensor 'm' holds the byte 2 at element 2"), e.getMessage());
            assertThrows(SafeTensorsFormatException.class, () -> f.tensor("m"));
        }
    }

    /**
     * Seeded random corruptions of a valid file and generated headers: each must either open and read back
     * consistently (every byte range inside the file, the bytes each tensor reads being the file's own bytes there) or
     * be refused with a SafeTensorsFormatException; never another exception, a crash, or an OutOfMemoryError. 10 000
     * inputs within 60 s, so that a reader that hangs on one fails the test instead of stalling the suite.
     */
    @Test
    void fuzzedFilesLoadConsistentlyOrAreRefused() {
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), this::fuzz);
    }

    private void fuzz() throws IOException {
        Path valid = dir.resolve("valid.safetensors");
        try (Scope _ = Scope.open(); Generator g = new Generator(3)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("embed.weight", SafeTensorsTest.sample(g, DType.FLOAT32, 4, 3));
            tensors.put("mask", SafeTensorsTest.sample(g, DType.BOOL, 5));
            tensors.put("head.bias", SafeTensorsTest.sample(g, DType.BFLOAT16, 3));
            tensors.put("steps", SafeTensorsTest.sample(g, DType.INT64, 2));
            tensors.put("scale", SafeTensorsTest.sample(g, DType.FLOAT64));
            SafeTensors.write(valid, tensors, Map.of("format", "pt"));
        }
        byte[] original = Files.readAllBytes(valid);
        long headerLength = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        Random random = new Random(20240611L);
        int opened = 0;
        int refused = 0;
        int cases = 10_000;
        for (int c = 0; c < cases; c++) {
            byte[] bytes = mutate(original, (int) headerLength, random);
            // A fresh file each time: truncating and rewriting one file makes some file systems flush on close.
            Path file = dir.resolve("fuzz" + c + ".safetensors");
            Files.write(file, bytes);
            try (Scope _ = Scope.open(); SafeTensorsFile f = SafeTensorsFile.open(file)) {
                checkConsistent(f, bytes);
                opened++;
            } catch (SafeTensorsFormatException e) {
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                refused++;
            } catch (Throwable t) {
                fail("case " + c + " threw " + t + " for bytes " + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 64))), t);
            }
            Files.delete(file);
        }
        // Both outcomes must occur, or the mutations are not probing the reader.
        assertTrue(opened > cases / 20 && refused > cases / 4, "opened " + opened + ", refused " + refused);
    }

    private static byte[] mutate(byte[] original, int headerLength, Random r) {
        byte[] b = original.clone();
        int headerEnd = 8 + headerLength;
        switch (r.nextInt(8)) {
            case 7 -> { // a header generated from scratch: random dtypes, shapes and offsets over the same data
                return generated(original.length - headerEnd, r);
            }
            case 0 -> { // flip bits in the header
                for (int k = 1 + r.nextInt(3); k > 0; k--) b[8 + r.nextInt(headerLength)] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> { // overwrite header bytes with JSON-significant characters
                byte[] chars = "{}[],:\"-0123456789eE. ".getBytes(StandardCharsets.US_ASCII);
                for (int k = 1 + r.nextInt(3); k > 0; k--) b[8 + r.nextInt(headerLength)] = chars[r.nextInt(chars.length)];
            }
            case 2 -> { // truncate anywhere
                b = Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 3 -> { // corrupt the header length: small shifts, random values, random bits
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                long n = switch (r.nextInt(3)) {
                    case 0 -> headerLength + r.nextInt(33) - 16;
                    case 1 -> r.nextLong();
                    default -> headerLength ^ (1L << r.nextInt(64));
                };
                buf.putLong(0, n);
            }
            case 4 -> { // flip bytes anywhere, data included (bools must stay 0 or 1 to be read)
                for (int k = 1 + r.nextInt(4); k > 0; k--) b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
            }
            case 5 -> { // flip bytes of the data only: the header stays valid
                for (int k = 1 + r.nextInt(4); k > 0; k--) b[headerEnd + r.nextInt(b.length - headerEnd)] ^= (byte) (1 + r.nextInt(255));
            }
            default -> { // change a digit of the header, which shifts shapes and offsets
                for (int tries = 0; tries < 100; tries++) {
                    int i = 8 + r.nextInt(headerLength);
                    if (b[i] >= '0' && b[i] <= '9') {
                        b[i] = (byte) ('0' + r.nextInt(10));
                        break;
                    }
                }
                if (r.nextBoolean()) b = Arrays.copyOf(b, Math.max(headerEnd, b.length + r.nextInt(17) - 8));
            }
        }
        return b;
    }

    private static final String[] DTYPES = {"F32", "F64", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "C64", "", "f32"};

    /** A file whose header is well-formed JSON with random fields: probes the reader's checks rather than its parser. */
    private static byte[] generated(int dataLength, Random r) {
        StringBuilder h = new StringBuilder("{");
        int tensors = r.nextInt(4);
        long at = 0;
        for (int t = 0; t < tensors; t++) {
            if (t > 0) h.append(',');
            h.append("\"t").append(t).append("\":{\"dtype\":\"").append(DTYPES[r.nextInt(DTYPES.length)]).append("\",\"shape\":[");
            int dims = r.nextInt(4);
            for (int d = 0; d < dims; d++) {
                if (d > 0) h.append(',');
                h.append(switch (r.nextInt(6)) {
                    case 0 -> "-1";
                    case 1 -> Long.toString(r.nextLong() >>> 1);
                    case 2 -> "0";
                    default -> Integer.toString(1 + r.nextInt(6));
                });
            }
            long len = r.nextInt(4) == 0 ? r.nextInt(64) - 8 : r.nextInt(1 + dataLength / 2);
            long begin = r.nextInt(5) == 0 ? r.nextInt(dataLength + 8) : at;
            h.append("],\"data_offsets\":[").append(begin).append(',').append(begin + len).append("]}");
            at = begin + len;
        }
        if (r.nextBoolean()) h.append(tensors > 0 ? "," : "").append("\"__metadata__\":{\"format\":\"pt\"}");
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[8 + header.length + dataLength];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        System.arraycopy(header, 0, b, 8, header.length);
        for (int i = 8 + header.length; i < b.length; i++) b[i] = (byte) (r.nextInt(2));
        return b;
    }

    private static void checkConsistent(SafeTensorsFile f, byte[] file) {
        long dataStart = 8 + f.headerLength();
        long covered = 0;
        for (TensorInfo info : f.infos()) {
            assertEquals(info.numel() * info.dtype().byteSize, info.byteSize(), info.name());
            assertTrue(info.begin() >= 0 && dataStart + info.end() <= file.length, info.toString());
            covered += info.byteSize();
            MemorySegment s = f.segment(info.name());
            byte[] expected = Arrays.copyOfRange(file, (int) (dataStart + info.begin()), (int) (dataStart + info.end()));
            assertArrayEquals(expected, IoTestSupport.bytes(s), info.name());
            try {
                Tensor t = f.load(info.name());
                assertArrayEquals(info.shape(), t.shape());
                assertEquals(info.dtype(), t.dtype());
                if (info.byteSize() > 0) assertArrayEquals(expected, IoTestSupport.bytes(t.data()), info.name());
            } catch (SafeTensorsFormatException e) {
                // Only a BOOL tensor's bytes are refused after opening.
                assertEquals(DType.BOOL, info.dtype(), e.getMessage());
            }
        }
        assertEquals(file.length - dataStart, covered, "the tensors tile the data");
    }
}
