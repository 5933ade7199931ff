package io.lambdahat.io;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.lambdahat.io.IoTestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A tensor of {@code dtype} with seeded values spread over the type's range. */
    static Tensor sample(Generator g, DType dtype, long... shape) {
        try (Scope s = Scope.open()) {
            Tensor t = switch (dtype) {
                case FLOAT64, FLOAT32, FLOAT16, BFLOAT16 -> Tensor.randn(g, DType.FLOAT64, Device.CPU, shape).mul(100).to(dtype);
                case INT64 -> Tensor.randint(g, -(1L << 62), 1L << 62, Device.CPU, shape);
                case INT32 -> Tensor.randint(g, Integer.MIN_VALUE, Integer.MAX_VALUE, Device.CPU, shape).to(dtype);
                case INT16 -> Tensor.randint(g, Short.MIN_VALUE, Short.MAX_VALUE + 1L, Device.CPU, shape).to(dtype);
                case INT8 -> Tensor.randint(g, Byte.MIN_VALUE, Byte.MAX_VALUE + 1L, Device.CPU, shape).to(dtype);
                case UINT8 -> Tensor.randint(g, 0, 256, Device.CPU, shape).to(dtype);
                case BOOL -> Tensor.randint(g, 0, 2, Device.CPU, shape).to(dtype);
            };
            return s.keep(t);
        }
    }

    @Test
    void everyDtypeRoundTripsBitForBit() throws IOException {
        Path file = dir.resolve("all.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (Scope _ = Scope.open(); Generator g = new Generator(7)) {
            // Narrowest first, so the writer has to reorder the data for alignment while keeping the header order.
            DType[] order = {DType.BOOL, DType.UINT8, DType.INT8, DType.INT16, DType.FLOAT16, DType.BFLOAT16,
                    DType.INT32, DType.FLOAT32, DType.INT64, DType.FLOAT64};
            for (DType d : order) tensors.put("p." + SafeTensors.code(d), sample(g, d, 3, 5));
            SafeTensors.write(file, tensors, Map.of("format", "pt", "step", "1200"));

            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                assertEquals(List.copyOf(tensors.keySet()), f.names());
                assertEquals(Map.of("format", "pt", "step", "1200"), f.metadata());
                assertEquals(0, (8 + f.headerLength()) % 8, "header padded to 8 bytes");
                for (var e : tensors.entrySet()) {
                    Tensor original = e.getValue();
                    TensorInfo info = f.info(e.getKey());
                    assertEquals(original.dtype(), info.dtype());
                    assertArrayEquals(new long[]{3, 5}, info.shape());
                    byte[] expected = bytes(original.data());
                    assertArrayEquals(expected, bytes(f.segment(e.getKey())), e.getKey());
                    Tensor view = f.tensor(e.getKey());
                    Tensor copy = f.load(e.getKey());
                    assertEquals(f.segment(e.getKey()).address(), view.data().address(), "tensor() is zero copy");
                    assertNotEquals(f.segment(e.getKey()).address(), copy.data().address(), "load() copies");
                    assertArrayEquals(expected, bytes(view.data()), e.getKey());
                    assertArrayEquals(expected, bytes(copy.data()), e.getKey());
                    assertArrayEquals(new long[]{3, 5}, copy.shape());
                    assertEquals(original.dtype(), copy.dtype());
                }
            }
        }
    }

    @Test
    void scalarsAndEmptyTensorsRoundTrip() throws IOException {
        Path file = dir.resolve("shapes.safetensors");
        try (Scope _ = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("scalar.f64", Tensor.scalar(-2.75, DType.FLOAT64, Device.CPU));
            tensors.put("scalar.i64", Tensor.scalar(41, DType.INT64, Device.CPU));
            tensors.put("empty", Tensor.zeros(DType.FLOAT32, Device.CPU, 0));
            tensors.put("empty.3d", Tensor.zeros(DType.INT16, Device.CPU, 2, 0, 3));
            tensors.put("scalar.bool", Tensor.scalar(1, DType.BOOL, Device.CPU));
            SafeTensors.write(file, tensors);
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                assertEquals(Map.of(), f.metadata());
                assertArrayEquals(new long[0], f.info("scalar.f64").shape());
                assertEquals(1, f.info("scalar.f64").numel());
                assertEquals(8, f.info("scalar.f64").byteSize());
                assertEquals(-2.75, f.tensor("scalar.f64").item());
                assertEquals(-2.75, f.load("scalar.f64").item());
                assertEquals(41, f.load("scalar.i64").itemLong());
                assertEquals(1.0, f.load("scalar.bool").item());
                assertEquals(0, f.info("empty").byteSize());
                assertArrayEquals(new long[]{0}, f.load("empty").shape());
                assertArrayEquals(new long[]{2, 0, 3}, f.tensor("empty.3d").shape());
                assertEquals(DType.INT16, f.load("empty.3d").dtype());
                assertEquals(0, f.load("empty.3d").numel());
            }
        }
    }

    @Test
    void manyTensorsKeepOrderAlignmentAndValues() throws IOException {
        Path file = dir.resolve("many.safetensors");
        DType[] dtypes = DType.values();
        try (Scope _ = Scope.open(); Generator g = new Generator(11)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < 300; i++) {
                DType d = dtypes[(i * 7) % dtypes.length];
                long[] shape = switch (i % 4) {
                    case 0 -> new long[]{i % 5 + 1};
                    case 1 -> new long[]{2, i % 3 + 1};
                    case 2 -> new long[]{};
                    default -> new long[]{1, 3, i % 2 + 1};
                };
                tensors.put("blocks." + (299 - i) + ".w", sample(g, d, shape));
            }
            SafeTensors.write(file, tensors);
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                assertEquals(List.copyOf(tensors.keySet()), f.names());
                assertEquals(300, f.size());
                for (var e : tensors.entrySet()) {
                    MemorySegment s = f.segment(e.getKey());
                    assertEquals(0, s.address() % e.getValue().dtype().byteSize, e.getKey() + " aligned");
                    assertArrayEquals(e.getValue().shape(), f.info(e.getKey()).shape());
                    assertArrayEquals(bytes(e.getValue().data()), bytes(s), e.getKey());
                }
                Map<String, Tensor> all = f.loadAll();
                assertEquals(List.copyOf(tensors.keySet()), List.copyOf(all.keySet()));
                for (var e : tensors.entrySet()) {
                    assertArrayEquals(bytes(e.getValue().data()), bytes(all.get(e.getKey()).data()), e.getKey());
                }
            }
        }
    }

    @Test
    void fileBytesFollowTheFormatExactly() throws IOException {
        Path file = dir.resolve("exact.safetensors");
        try (Scope _ = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("b", Tensor.of(new float[]{1.0f, -2.0f}, 2));
            tensors.put("a", Tensor.of(new long[]{3}, 1));
            SafeTensors.write(file, tensors, Map.of("k", "v"));
        }
        String json = "{\"__metadata__\":{\"k\":\"v\"},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        String padded = json + " ".repeat((8 - json.length() % 8) % 8);
        byte[] data = {3, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0};
        assertArrayEquals(IoTestSupport.rawSafetensors(padded, data), Files.readAllBytes(file));
    }

    @Test
    void writesNonContiguousAndGradTrackingTensorsAsTheirValues() throws IOException {
        Path file = dir.resolve("views.safetensors");
        try (Scope _ = Scope.open()) {
            Tensor base = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor transposed = base.transpose(0, 1);
            assertFalse(transposed.isContiguous());
            Tensor leaf = Tensor.of(new float[]{0.5f, -0.25f}, 2).requiresGrad(true);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("t", transposed);
            tensors.put("leaf", leaf);
            SafeTensors.write(file, tensors);
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                assertArrayEquals(new long[]{3, 2}, f.info("t").shape());
                assertArrayEquals(new double[]{1, 4, 2, 5, 3, 6}, f.load("t").toDoubleArray());
                assertArrayEquals(new float[]{0.5f, -0.25f}, f.load("leaf").toFloatArray());
                assertFalse(f.load("leaf").requiresGrad());
            }
        }
    }

    @Test
    void zeroCopyTensorsAreCopyOnWriteAndLoadedTensorsOutliveTheFile() throws IOException {
        Path file = dir.resolve("cow.safetensors");
        byte[] before;
        try (Scope _ = Scope.open()) {
            SafeTensors.write(file, Map.of("w", Tensor.of(new float[]{1, 2, 3}, 3)));
            before = Files.readAllBytes(file);
            Tensor loaded;
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                assertTrue(f.isCopyOnWrite());
                Tensor view = f.tensor("w");
                view.mulInPlace(10);
                assertArrayEquals(new float[]{10, 20, 30}, view.toFloatArray());
                loaded = f.load("w");
                assertArrayEquals(new float[]{10, 20, 30}, loaded.toFloatArray(), "the process sees its own writes");
            }
            assertArrayEquals(before, Files.readAllBytes(file), "the file never changes");
            assertArrayEquals(new float[]{10, 20, 30}, loaded.toFloatArray(), "a loaded tensor outlives the file");
        }
    }

    @Test
    void aClosedFileRefusesAccess() throws IOException {
        Path file = dir.resolve("closed.safetensors");
        try (Scope _ = Scope.open()) {
            SafeTensors.write(file, Map.of("w", Tensor.of(new float[]{1}, 1)));
        }
        SafeTensorsFile f = SafeTensorsFile.open(file);
        f.close();
        f.close();
        assertFalse(f.isOpen());
        assertEquals(List.of("w"), f.names());
        assertThrows(IllegalStateException.class, () -> f.tensor("w"));
        assertThrows(IllegalStateException.class, () -> f.load("w"));
        assertThrows(IllegalStateException.class, () -> f.segment("w"));
    }

    @Test
    void unknownNamesAreReportedWithWhatTheFileHolds() throws IOException {
        Path file = dir.resolve("names.safetensors");
        try (Scope _ = Scope.open()) {
            SafeTensors.write(file, Map.of("layer.0.weight", Tensor.of(new float[]{1}, 1)));
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            var e = assertThrows(IllegalArgumentException.class, () -> f.info("layer.0.bias"));
            assertTrue(e.getMessage().contains("'layer.0.bias'") && e.getMessage().contains("'layer.0.weight'"), e.getMessage());
            assertFalse(f.contains("layer.0.bias"));
        }
    }

    @Test
    void writingReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        try (Scope _ = Scope.open()) {
            SafeTensors.write(file, Map.of("w", Tensor.of(new float[]{1, 2}, 2)));
            try (SafeTensorsFile old = SafeTensorsFile.open(file)) {
                SafeTensors.write(file, Map.of("w", Tensor.of(new float[]{7, 8, 9}, 3)));
                // The rename leaves the old inode, and so the open mapping, intact.
                assertArrayEquals(new float[]{1, 2}, old.load("w").toFloatArray());
            }
            try (SafeTensorsFile fresh = SafeTensorsFile.open(file)) {
                assertArrayEquals(new float[]{7, 8, 9}, fresh.load("w").toFloatArray());
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTrace() throws IOException {
        Path file = dir.resolve("keep.bin");
        Files.write(file, new byte[]{1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, channel -> {
            AtomicFiles.writeFully(channel, java.nio.ByteBuffer.wrap(new byte[]{9, 9, 9, 9, 9}));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void misalignedDataIsCopiedRatherThanViewed() throws IOException {
        // A writer that does not reorder by width: the float starts at data offset 1.
        String json = "{\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[1,5]}}";
        byte[] data = {42, 0, 0, (byte) 0xc0, 0x3f};
        Path file = dir.resolve("misaligned.safetensors");
        String padded = json + " ".repeat((8 - json.length() % 8) % 8);
        Files.write(file, IoTestSupport.rawSafetensors(padded, data));
        try (Scope _ = Scope.open(); SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(1, f.segment("f").address() % 4);
            Tensor t = f.tensor("f");
            assertArrayEquals(new float[]{1.5f}, t.toFloatArray());
            assertNotEquals(f.segment("f").address(), t.data().address());
            assertEquals(42, f.tensor("u").to(DType.INT64).itemLong());
        }
    }

    @Test
    void unknownFieldsAreIgnoredAsTheReferenceDoes() throws IOException {
        String json = "{\"x\":{\"dtype\":\"I32\",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"shape\":[2],\"data_offsets\":[0,8]}}";
        Path file = dir.resolve("extra.safetensors");
        Files.write(file, IoTestSupport.rawSafetensors(json, new byte[]{5, 0, 0, 0, -1, -1, -1, -1}));
        try (Scope _ = Scope.open(); SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertArrayEquals(new long[]{5, -1}, f.load("x").to(DType.INT64).toLongArray());
        }
    }

    @Test
    void loadReadsAWholeCheckpoint() throws IOException {
        Path file = dir.resolve("whole.safetensors");
        try (Scope _ = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("w", Tensor.of(new double[]{1, 2, 3, 4}, 2, 2));
            tensors.put("b", Tensor.of(new double[]{-1, -2}, 2));
            SafeTensors.write(file, tensors);
            Map<String, Tensor> loaded = SafeTensors.load(file);
            assertEquals(List.of("w", "b"), new ArrayList<>(loaded.keySet()));
            assertArrayEquals(new double[]{1, 2, 3, 4}, loaded.get("w").toDoubleArray());
            assertArrayEquals(new double[]{-1, -2}, loaded.get("b").toDoubleArray());
        }
    }

    @Test
    void theWriterRejectsWhatTheFormatCannotHold() {
        Path file = dir.resolve("bad.safetensors");
        try (Scope _ = Scope.open()) {
            Tensor t = Tensor.of(new float[]{1}, 1);
            var reserved = assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.write(file, Map.of("__metadata__", t)));
            assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
            Tensor closed = Tensor.of(new float[]{1}, 1);
            closed.close();
            var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("c", closed)));
            assertTrue(e.getMessage().contains("'c' is closed"), e.getMessage());
            Map<String, String> nullValue = new LinkedHashMap<>();
            nullValue.put("k", null);
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("t", t), nullValue));
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void aMissingFileIsAnIoErrorNotAFormatError() {
        Path missing = dir.resolve("missing.safetensors");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> SafeTensors.open(missing));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Npy.read(dir.resolve("missing.npy")));
    }

    @Test
    void dtypeCodesMapBothWays() {
        for (DType d : DType.values()) assertEquals(d, SafeTensors.dtypeOf(SafeTensors.code(d)));
        assertEquals(DType.values().length, SafeTensors.CODES.size());
        assertEquals(null, SafeTensors.dtypeOf("F8_E4M3"));
        assertEquals("BF16", SafeTensors.code(DType.BFLOAT16));
        assertEquals("BOOL", SafeTensors.code(DType.BOOL));
        assertEquals(DType.UINT8, SafeTensors.dtypeOf("U8"));
    }
}
