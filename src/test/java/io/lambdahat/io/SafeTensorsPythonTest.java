package io.lambdahat.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.lambdahat.io.IoTestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Files written by Python read correctly here, and files written here read correctly in Python. */
class SafeTensorsPythonTest {
    @TempDir
    Path dir;

    /** bench/python/safetensors_fixture.py wrote this file; the values are its closed forms. */
    @Test
    void thePythonFixtureHoldsItsClosedForms() throws IOException {
        try (Scope _ = Scope.open(); SafeTensorsFile f = SafeTensorsFile.open(IoTestSupport.resource("fixture.safetensors"))) {
            assertEquals(List.of("weights.f64", "weights.f32", "half", "brain", "big", "i32", "i16", "i8", "u8", "mask",
                    "scalar", "empty"), f.names());
            assertEquals(Map.of("format", "pt", "source", "bench/python/safetensors_fixture.py", "note", "λ̂ fixture"), f.metadata());

            double[] f64 = new double[6];
            for (int i = 0; i < 6; i++) f64[i] = 0.5 * i - 1.25;
            assertArrayEquals(new long[]{2, 3}, f.info("weights.f64").shape());
            assertArrayEquals(f64, f.tensor("weights.f64").toDoubleArray());
            assertEquals(f.segment("weights.f64").address(), f.tensor("weights.f64").data().address());

            float[] f32 = new float[12];
            for (int i = 0; i < 12; i++) f32[i] = (i - 6) / 8f;
            assertArrayEquals(new long[]{3, 2, 2}, f.info("weights.f32").shape());
            assertArrayEquals(f32, f.load("weights.f32").toFloatArray());

            assertEquals(DType.FLOAT16, f.info("half").dtype());
            assertArrayEquals(new double[]{-2, -0.5, Math.scalb(1.0, -10), 65504}, f.load("half").to(DType.FLOAT64).toDoubleArray());
            assertEquals(DType.BFLOAT16, f.info("brain").dtype());
            assertArrayEquals(new double[]{1, -3.5, Math.scalb(1.0, 20), 1.0 / 128}, f.tensor("brain").to(DType.FLOAT64).toDoubleArray());

            assertArrayEquals(new long[]{-(1L << 62), (1L << 40) + 7, Long.MAX_VALUE}, f.load("big").toLongArray());
            assertArrayEquals(new long[]{Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, f.load("i32").to(DType.INT64).toLongArray());
            assertArrayEquals(new long[]{-32768, 12345, 32767}, f.load("i16").to(DType.INT64).toLongArray());
            assertArrayEquals(new long[]{-128, -1, 1, 127}, f.load("i8").to(DType.INT64).toLongArray());
            assertArrayEquals(new long[]{0, 1, 127, 128, 200, 255}, f.load("u8").to(DType.INT64).toLongArray());
            assertArrayEquals(new long[]{1, 0, 0, 1, 1}, f.load("mask").to(DType.INT64).toLongArray());

            assertArrayEquals(new long[0], f.load("scalar").shape());
            assertEquals(3.25, f.load("scalar").item());
            assertArrayEquals(new long[]{0, 4}, f.load("empty").shape());
        }
    }

    /** Python reads the committed fixture to the same checksums as this reader. */
    @Test
    void pythonAndThisReaderAgreeOnTheFixture() throws Exception {
        Path fixture = IoTestSupport.resource("fixture.safetensors");
        Map<String, Expected> expected = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture)) {
            for (TensorInfo info : f.infos()) expected.put(info.name(), Expected.of(info.dtype(), info.shape(), f.segment(info.name())));
            assertPythonReads(fixture, expected, f.metadata());
        }
    }

    /** A file written here, with every dtype, a scalar, an empty tensor and metadata, reads back in Python. */
    @Test
    void pythonReadsWhatThisWriterWrites() throws Exception {
        Path file = dir.resolve("java.safetensors");
        Map<String, String> metadata = Map.of("format", "pt", "λ̂", "nβ = 1/log n");
        Map<String, Expected> expected = new LinkedHashMap<>();
        try (Scope _ = Scope.open(); Generator g = new Generator(5)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (DType d : DType.values()) tensors.put("w." + SafeTensors.code(d), SafeTensorsTest.sample(g, d, 4, 3, 2));
            tensors.put("scalar", SafeTensorsTest.sample(g, DType.FLOAT64));
            tensors.put("empty", Tensor.zeros(DType.FLOAT32, io.lambdahat.torch.Device.CPU, 3, 0));
            for (var e : tensors.entrySet()) {
                Tensor t = e.getValue();
                MemorySegment data = t.numel() == 0 ? MemorySegment.NULL : t.data();
                expected.put(e.getKey(), Expected.of(t.dtype(), t.shape(), data));
            }
            SafeTensors.write(file, tensors, metadata);
        }
        assertPythonReads(file, expected, metadata);
    }

    private record Expected(String dtype, long[] shape, IoTestSupport.Checksum checksum, String sha256, boolean floating) {
        static Expected of(DType dtype, long[] shape, MemorySegment data) {
            return new Expected(SafeTensors.code(dtype), shape, IoTestSupport.Checksum.of(data, dtype),
                    IoTestSupport.sha256(bytes(data)), dtype.isFloatingPoint());
        }
    }

    private static void assertPythonReads(Path file, Map<String, Expected> expected, Map<String, String> metadata) throws Exception {
        List<JsonNode> lines = IoTestSupport.python("safetensors_check.py", file);
        assertEquals(expected.size() + 1, lines.size(), lines.toString());
        int i = 0;
        for (var e : expected.entrySet()) {
            JsonNode line = lines.get(i++);
            Expected x = e.getValue();
            assertEquals(e.getKey(), line.get("name").asText());
            assertEquals(x.dtype(), line.get("dtype").asText(), e.getKey());
            long[] shape = new long[line.get("shape").size()];
            for (int k = 0; k < shape.length; k++) shape[k] = line.get("shape").get(k).asLong();
            assertArrayEquals(x.shape(), shape, e.getKey());
            assertEquals(x.checksum(), IoTestSupport.Checksum.of(line, x.floating()), e.getKey());
            assertEquals(x.sha256(), line.get("sha256").asText(), e.getKey());
        }
        Map<String, String> pythonMetadata = new LinkedHashMap<>();
        lines.get(i).get("metadata").properties().forEach(m -> pythonMetadata.put(m.getKey(), m.getValue().asText()));
        assertEquals(metadata, pythonMetadata);
    }
}
