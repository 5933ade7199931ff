package io.lambdahat.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.torch.DType;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the io tests: raw file building, an independent element decoder, checksums, Python runs. */
final class IoTestSupport {
    static final Path PYTHON = Path.of(io.lambdahat.torchscript.TorchScriptFixtures.pythonExecutable());
    static final ObjectMapper JSON = new ObjectMapper();

    private IoTestSupport() {}

    /** A safetensors file from a header text and data bytes, with no padding or checking of any kind. */
    static byte[] rawSafetensors(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Element i of little-endian data, decoded without the code under test. */
    static BigDecimal element(MemorySegment data, DType dtype, long i) {
        long at = i * dtype.byteSize;
        ValueLayout.OfShort s = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case FLOAT64 -> new BigDecimal(data.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at));
            case FLOAT32 -> new BigDecimal(data.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at));
            case FLOAT16 -> new BigDecimal(Float.float16ToFloat(data.get(s, at)));
            case BFLOAT16 -> new BigDecimal(Float.intBitsToFloat((data.get(s, at) & 0xffff) << 16));
            case INT64 -> new BigDecimal(data.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at));
            case INT32 -> new BigDecimal(data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at));
            case INT16 -> new BigDecimal(data.get(s, at));
            case INT8 -> new BigDecimal(data.get(ValueLayout.JAVA_BYTE, at));
            case UINT8, BOOL -> new BigDecimal(data.get(ValueLayout.JAVA_BYTE, at) & 0xff);
        };
    }

    static double[] doubles(MemorySegment data, DType dtype) {
        double[] out = new double[(int) (data.byteSize() / dtype.byteSize)];
        for (int i = 0; i < out.length; i++) out[i] = element(data, dtype, i).doubleValue();
        return out;
    }

    /**
     * The sum and the weighted sum Σ (i+1)·x_i, as the Python check scripts print them: exact integers as text,
     * floating-point sums computed exactly and rounded once (what math.fsum returns).
     */
    record Checksum(String sum, String wsum) {
        static Checksum of(MemorySegment data, DType dtype) {
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal wsum = BigDecimal.ZERO;
            long n = data.byteSize() / dtype.byteSize;
            for (long i = 0; i < n; i++) {
                BigDecimal x = element(data, dtype, i);
                sum = sum.add(x);
                wsum = wsum.add(x.multiply(BigDecimal.valueOf(i + 1)));
            }
            if (dtype.isFloatingPoint()) {
                return new Checksum(Double.toString(sum.doubleValue()), Double.toString(wsum.doubleValue()));
            }
            return new Checksum(sum.toBigIntegerExact().toString(), wsum.toBigIntegerExact().toString());
        }

        /** The script's values, normalised the way {@link #of} prints them. */
        static Checksum of(JsonNode line, boolean floating) {
            if (floating) {
                return new Checksum(Double.toString(line.get("sum").asDouble()), Double.toString(line.get("wsum").asDouble()));
            }
            return new Checksum(new BigInteger(line.get("sum").asText()).toString(), new BigInteger(line.get("wsum").asText()).toString());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs a bench/python script on files and returns its JSON lines; skips when python3 with numpy is absent. */
    static List<JsonNode> python(String script, Path... files) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON + ": skipping the Python interchange check");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                PYTHON + " has no numpy: skipping the Python interchange check");
        Path scriptPath = Path.of("bench/python").resolve(script).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), scriptPath.toString()));
        for (Path f : files) command.add(f.toString());
        Process p = new ProcessBuilder(command).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(script + " failed on " + List.of(files) + ":\n" + new String(err, StandardCharsets.UTF_8));
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) lines.add(JSON.readTree(line));
        }
        return lines;
    }

    static Path resource(String name) {
        return Path.of("src/test/resources/io").resolve(name);
    }
}
