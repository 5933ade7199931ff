package io.lambdahat.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.lambdahat.io.IoTestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class NpyTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) {
        return IoTestSupport.resource("npy").resolve(name);
    }

    /** The fixtures of bench/python/npy_fixture.py, built here from the same closed forms. */
    private static Tensor closedForm(String name) {
        return switch (name) {
            case "f4_c.npy" -> {
                float[] v = new float[12];
                for (int i = 0; i < 12; i++) v[i] = i / 4f - 1;
                yield Tensor.of(v, 3, 4);
            }
            case "f8_fortran.npy" -> {
                double[] v = new double[24];
                for (int i = 0; i < 24; i++) v[i] = i * 0.5 - 3;
                yield Tensor.of(v, 2, 3, 4);
            }
            case "i4.npy" -> Tensor.of(new long[]{Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE, 7, -7}, 3, 2).to(DType.INT32);
            case "i8.npy" -> Tensor.of(new long[]{-(1L << 62), (1L << 40) + 7, Long.MAX_VALUE, 0}, 4);
            case "u1.npy" -> Tensor.of(new long[]{0, 51, 102, 153, 204, 255}, 2, 3).to(DType.UINT8);
            case "b1.npy" -> Tensor.of(new long[]{1, 0, 1, 0, 0, 1}, 2, 3).to(DType.BOOL);
            case "scalar_f8.npy" -> Tensor.scalar(-6.5, DType.FLOAT64, Device.CPU);
            case "empty_f4.npy" -> Tensor.zeros(DType.FLOAT32, Device.CPU, 0, 3);
            case "f4_v2.npy", "f4_v3.npy" -> Tensor.of(new float[]{-1, -0.75f, -0.5f, 0, 0.25f, 0.5f}, 2, 3);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static final List<String> FIXTURES = List.of("f4_c.npy", "f8_fortran.npy", "i4.npy", "i8.npy", "u1.npy",
            "b1.npy", "scalar_f8.npy", "empty_f4.npy", "f4_v2.npy", "f4_v3.npy");

    private static byte[] data(Tensor t) {
        return t.numel() == 0 ? new byte[0] : bytes(t.data());
    }

    @Test
    void numpyFixturesHoldTheirClosedForms() throws IOException {
        try (Scope _ = Scope.open()) {
            for (String name : FIXTURES) {
                Tensor expected = closedForm(name);
                NpyArray array = Npy.read(fixture(name));
                Tensor loaded = Npy.load(fixture(name));
                assertEquals(expected.dtype(), array.dtype(), name);
                assertArrayEquals(expected.shape(), array.shape(), name);
                assertArrayEquals(data(expected), bytes(array.data()), name);
                assertEquals(expected.dtype(), loaded.dtype(), name);
                assertArrayEquals(expected.shape(), loaded.shape(), name);
                assertTrue(loaded.isContiguous(), name);
                assertArrayEquals(data(expected), data(loaded), name);
                assertArrayEquals(data(expected), data(array.toTensor()), name);
            }
        }
    }

    @Test
    void headersReportVersionOrderAndOffset() throws IOException {
        Npy.Header f = Npy.readHeader(fixture("f8_fortran.npy"));
        assertEquals("<f8", f.descr());
        assertTrue(f.fortranOrder());
        assertArrayEquals(new long[]{2, 3, 4}, f.shape());
        assertEquals(128, f.dataOffset());
        assertEquals(1, f.major());
        assertEquals(2, Npy.readHeader(fixture("f4_v2.npy")).major());
        assertEquals(3, Npy.readHeader(fixture("f4_v3.npy")).major());
        assertEquals("|b1", Npy.readHeader(fixture("b1.npy")).descr());
        assertFalse(Npy.readHeader(fixture("f4_c.npy")).fortranOrder());
    }

    @Test
    void fortranOrderIsTransposedToCOrder() throws IOException {
        // Element [i][j][k] of the logical array is (12i + 4j + k) * 0.5 - 3; the file stores it at i + 2j + 6k.
        NpyArray a = Npy.read(fixture("f8_fortran.npy"));
        byte[] file = Files.readAllBytes(fixture("f8_fortran.npy"));
        ByteBuffer raw = ByteBuffer.wrap(file, 128, 24 * 8).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    double expected = (12 * i + 4 * j + k) * 0.5 - 3;
                    assertEquals(expected, raw.getDouble(8 * (i + 2 * j + 6 * k)));
                    assertEquals(expected, a.getDouble(12 * i + 4 * j + k));
                }
            }
        }
        // A 2-D Fortran-ordered file written by hand: [[1, 2, 3], [4, 5, 6]] stored column by column.
        Path twoD = dir.resolve("f2d.npy");
        Files.write(twoD, npy(1, "{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3), }", longs(1, 4, 2, 5, 3, 6)));
        assertArrayEquals(new long[]{1, 2, 3, 4, 5, 6}, Npy.read(twoD).toLongArray());
        try (Scope _ = Scope.open()) {
            Tensor t = Npy.load(twoD);
            assertArrayEquals(new long[]{2, 3}, t.shape());
            assertArrayEquals(new long[]{1, 2, 3, 4, 5, 6}, t.toLongArray());
        }
    }

    @Test
    void theWriterWritesWhatNumpySaveWrites() throws IOException {
        try (Scope _ = Scope.open()) {
            for (String name : List.of("f4_c.npy", "i4.npy", "i8.npy", "u1.npy", "b1.npy", "scalar_f8.npy", "empty_f4.npy")) {
                Path out = dir.resolve(name);
                Npy.write(out, closedForm(name));
                assertArrayEquals(Files.readAllBytes(fixture(name)), Files.readAllBytes(out), name);
            }
            // A Fortran-ordered source is written in C order: the same bytes as numpy.save of a C-ordered copy.
            Path out = dir.resolve("transposed.npy");
            Tensor base = Tensor.of(new long[]{0, 51, 102, 153, 204, 255}, 3, 2).to(DType.UINT8);
            Npy.write(out, base.transpose(0, 1));
            byte[] expected = npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", new byte[]{0, (byte) 102, (byte) 204, 51, (byte) 153, (byte) 255});
            assertArrayEquals(expected, Files.readAllBytes(out));
        }
    }

    @Test
    void everyNumpyDtypeRoundTripsAndBfloat16IsRefused() throws IOException {
        try (Scope _ = Scope.open(); Generator g = new Generator(9)) {
            for (DType d : DType.values()) {
                if (d == DType.BFLOAT16) continue;
                Tensor t = SafeTensorsTest.sample(g, d, 2, 5, 3);
                Path out = dir.resolve(d + ".npy");
                Npy.write(out, t);
                Tensor back = Npy.load(out);
                assertEquals(d, back.dtype());
                assertArrayEquals(new long[]{2, 5, 3}, back.shape());
                assertArrayEquals(bytes(t.data()), bytes(back.data()), d.toString());
                NpyArray a = Npy.read(out);
                assertEquals(Npy.descr(d), Npy.readHeader(out).descr());
                double[] expected = IoTestSupport.doubles(t.data(), d);
                for (int i = 0; i < expected.length; i++) assertEquals(expected[i], a.getDouble(i), d + " element " + i);
            }
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Npy.write(dir.resolve("bf.npy"), Tensor.zeros(DType.BFLOAT16, Device.CPU, 2)));
            assertTrue(e.getMessage().contains("to(DType.FLOAT32)"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("bf.npy")));
        }
    }

    @Test
    void pythonReadsWhatThisWriterWrites() throws Exception {
        List<Path> files = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        try (Scope _ = Scope.open(); Generator g = new Generator(13)) {
            for (DType d : DType.values()) {
                if (d == DType.BFLOAT16) continue;
                tensors.add(SafeTensorsTest.sample(g, d, 3, 4));
            }
            tensors.add(Tensor.scalar(2.5, DType.FLOAT32, Device.CPU));
            tensors.add(Tensor.zeros(DType.INT64, Device.CPU, 0));
            tensors.add(SafeTensorsTest.sample(g, DType.FLOAT64, 7));
            for (int i = 0; i < tensors.size(); i++) {
                Path out = dir.resolve("t" + i + ".npy");
                Npy.write(out, tensors.get(i));
                files.add(out);
            }
            List<JsonNode> lines = IoTestSupport.python("npy_check.py", files.toArray(Path[]::new));
            assertEquals(files.size(), lines.size());
            for (int i = 0; i < files.size(); i++) {
                Tensor t = tensors.get(i);
                JsonNode line = lines.get(i);
                MemorySegment data = t.numel() == 0 ? MemorySegment.NULL : t.data();
                String what = files.get(i).getFileName() + " " + t;
                assertEquals(Npy.descr(t.dtype()), line.get("descr").asText(), what);
                long[] shape = new long[line.get("shape").size()];
                for (int k = 0; k < shape.length; k++) shape[k] = line.get("shape").get(k).asLong();
                assertArrayEquals(t.shape(), shape, what);
                assertFalse(line.get("fortran_order").asBoolean());
                assertEquals(IoTestSupport.Checksum.of(data, t.dtype()),
                        IoTestSupport.Checksum.of(line, t.dtype().isFloatingPoint()), what);
                assertEquals(IoTestSupport.sha256(bytes(data)), line.get("sha256").asText(), what);
            }
        }
    }

    // ---------------------------------------------------------------- hostile input

    /** A .npy file from a header text (padded to 64 like NumPy's) and data bytes. */
    static byte[] npy(int major, String dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        int len = dict.length() + 1;
        len += (64 - (prefix + len) % 64) % 64;
        String header = dict + " ".repeat(len - dict.length() - 1) + "\n";
        return npyRaw(major, 0, header.getBytes(StandardCharsets.UTF_8), header.length(), data);
    }

    static byte[] npyRaw(int major, int minor, byte[] header, long declaredLength, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, (byte) minor});
        if (major == 1) b.putShort((short) declaredLength);
        else b.putInt((int) declaredLength);
        return b.put(header).put(data).array();
    }

    private static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }

    private void rejects(byte[] bytes, String expected) throws IOException {
        Path file = dir.resolve("hostile.npy");
        Files.write(file, bytes);
        // readHeader does not look at the elements, so it cannot refuse a bad bool byte.
        int ways = expected.startsWith("bool element") ? 2 : 3;
        for (int way = 0; way < ways; way++) {
            int w = way;
            var e = assertThrows(NpyFormatException.class, () -> {
                try (Scope _ = Scope.open()) {
                    if (w == 0) Npy.read(file);
                    else if (w == 1) Npy.load(file);
                    else Npy.readHeader(file);
                }
            });
            assertTrue(e.getMessage().startsWith(file + ": not a readable .npy file: "), e.getMessage());
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        }
    }

    private void rejects(String dict, byte[] data, String expected) throws IOException {
        rejects(npy(1, dict, data), expected);
    }

    @Test
    void truncatedAndForeignFiles() throws IOException {
        rejects(new byte[0], "has 0 bytes");
        rejects(Arrays.copyOf(Files.readAllBytes(fixture("f4_c.npy")), 9), "has 9 bytes");
        rejects("PK\u0003\u0004 not numpy".getBytes(StandardCharsets.ISO_8859_1), "does not start with the .npy magic");
        byte[] f4 = Files.readAllBytes(fixture("f4_c.npy"));
        rejects(Arrays.copyOf(f4, f4.length - 1), "needs 48 bytes of data but the file holds 47 (truncated file?)");
        rejects(Arrays.copyOf(f4, 100), "header length 118 runs past the end of the file (100 bytes");
        byte[] trailing = Arrays.copyOf(f4, f4.length + 4);
        rejects(trailing, "holds 52 (trailing bytes: one array per file)");
        rejects(Arrays.copyOf(npyRaw(2, 0, new byte[0], 0, new byte[0]), 11), "ends inside the version 2.0 preamble");
    }

    @Test
    void unsupportedVersionsAndAbsurdHeaderLengths() throws IOException {
        rejects(npyRaw(4, 0, new byte[4], 4, new byte[0]), "format version 4.0 is not supported");
        rejects(npyRaw(1, 1, new byte[4], 4, new byte[0]), "format version 1.1 is not supported");
        rejects(npyRaw(2, 0, new byte[4], 0xffffffffL, new byte[0]), "header length 4294967295 exceeds the limit of 1048576");
        rejects(npyRaw(2, 0, new byte[4], 2_000_000, new byte[0]), "header length 2000000 exceeds");
        byte[] v3 = npy(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        v3[14] = (byte) 0xff;
        rejects(v3, "the version 3.0 header is not valid UTF-8");
    }

    @Test
    void malformedHeaders() throws IOException {
        byte[] four = new byte[4];
        rejects("{'descr': '<f4', 'fortran_order': False}", four, "has the keys [descr, fortran_order]");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': True}", four, "has the keys [descr, fortran_order, shape, x]");
        rejects("{'descr': '<f4', 'descr': '<f4', 'shape': (1,)}", four, "the key 'descr' appears twice");
        rejects("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", four, "structured arrays are not supported");
        rejects("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", four, "the value of 'fortran_order' is not a string, tuple");
        rejects("{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,)}", four, "fortran_order is not True or False");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': '1'}", four, "shape is not a tuple of integers");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}", four, "expected ',' or ')' in a tuple");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) extra", four, "expected ',' or '}'");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", four, "text follows the header dict");
        rejects("{'descr': '<f\\4', 'fortran_order': False, 'shape': (1,)}", four, "escaped characters");
        rejects("{'descr': '<f4", four, "a string is not closed");
        rejects("descr", four, "expected '{'");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1, ".repeat(65) + ")}", four, "more than 64 dimensions");
    }

    @Test
    void unsupportedDtypes() throws IOException {
        rejects(Files.readAllBytes(fixture("f8_big_endian.npy")), "dtype '>f8' is big-endian; save with arr.astype('<f8')");
        rejects("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", new byte[8], "dtype '|O' is not supported; save with arr.astype('<f4')");
        rejects("{'descr': '<u4', 'fortran_order': False, 'shape': (1,)}", new byte[4], "dtype '<u4' is not supported");
        rejects("{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", new byte[8], "dtype '<c8' is not supported");
        rejects("{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}", new byte[4], "has no byte order ('|')");
        rejects("{'descr': 'f', 'fortran_order': False, 'shape': (1,)}", new byte[4], "descr 'f' is not a type string");
    }

    @Test
    void negativeOverflowingAndMismatchedShapes() throws IOException {
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", new byte[4], "shape [-1] has a negative dimension");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", new byte[4], "does not fit 64 bits");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", new byte[0], "overflows 64 bits");
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,)}", new byte[0], "overflows 64 bits");
        rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 2L)}", new byte[20], "<f4 [3, 2] needs 24 bytes");
        rejects("{'descr': '|b1', 'fortran_order': False, 'shape': (3,)}", new byte[]{0, 1, 3}, "bool element 2 holds the byte 3");
    }

    /** Seeded corruptions of valid files: each reads consistently (both readers agree with the file) or is refused. */
    @Test
    void fuzzedFilesLoadConsistentlyOrAreRefused() throws IOException {
        byte[][] valid = {Files.readAllBytes(fixture("f4_c.npy")), Files.readAllBytes(fixture("b1.npy")),
                Files.readAllBytes(fixture("f4_v2.npy"))};
        Random random = new Random(77L);
        int opened = 0;
        int refused = 0;
        int cases = 1500;
        for (int c = 0; c < cases; c++) {
            byte[] b = valid[c % valid.length].clone();
            switch (random.nextInt(4)) {
                case 0 -> {
                    for (int k = 1 + random.nextInt(3); k > 0; k--) b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length + 8));
                case 2 -> { // header text: digits, quotes and brackets
                    byte[] chars = "0123456789'(),:{} TF-<|".getBytes(StandardCharsets.US_ASCII);
                    b[10 + random.nextInt(b.length - 10)] = chars[random.nextInt(chars.length)];
                }
                default -> { // the header length field
                    b[8 + random.nextInt(2)] = (byte) random.nextInt(256);
                }
            }
            Path file = dir.resolve("fuzz" + c + ".npy");
            Files.write(file, b);
            try (Scope _ = Scope.open()) {
                Npy.Header h = Npy.readHeader(file);
                NpyArray a = Npy.read(file);
                Tensor t = Npy.load(file);
                assertEquals(b.length - h.dataOffset(), h.byteSize());
                assertArrayEquals(h.shape(), a.shape());
                assertArrayEquals(h.shape(), t.shape());
                if (!h.fortranOrder()) {
                    assertArrayEquals(Arrays.copyOfRange(b, (int) h.dataOffset(), b.length), bytes(a.data()));
                }
                assertArrayEquals(bytes(a.data()), data(t));
                opened++;
            } catch (NpyFormatException e) {
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                refused++;
            } catch (Throwable t) {
                fail("case " + c + " threw " + t, t);
            }
            Files.delete(file);
        }
        assertTrue(opened > cases / 20 && refused > cases / 4, "opened " + opened + ", refused " + refused);
    }
}
