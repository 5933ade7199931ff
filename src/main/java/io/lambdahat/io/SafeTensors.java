package io.lambdahat.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor's
 * name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the first byte after the
 * header) plus an optional {@code "__metadata__"} map of strings, then the tensors' bytes, little-endian, C order.
 *
 * <p>Reading is {@link SafeTensorsFile#open}; this class writes, and maps between the format's dtype codes
 * ({@code F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL}) and {@link DType}.
 */
public final class SafeTensors {
    /** The dtype codes this library reads and writes. */
    public static final List<String> CODES = List.of("F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL");

    private static final JsonFactory JSON = new JsonFactory();
    /** Streams tensors to disk in pieces a ByteBuffer can address. */
    private static final long CHUNK = 1L << 26;

    private SafeTensors() {}

    /**
     * The DType of a safetensors dtype code, or null when the code is not one of {@link #CODES}.
     *
     * @param code a code such as {@code F32}
     * @return the element type, or null
     */
    public static DType dtypeOf(String code) {
        return switch (code) {
            case "F64" -> DType.FLOAT64;
            case "F32" -> DType.FLOAT32;
            case "F16" -> DType.FLOAT16;
            case "BF16" -> DType.BFLOAT16;
            case "I64" -> DType.INT64;
            case "I32" -> DType.INT32;
            case "I16" -> DType.INT16;
            case "I8" -> DType.INT8;
            case "U8" -> DType.UINT8;
            case "BOOL" -> DType.BOOL;
            default -> null;
        };
    }

    /**
     * The safetensors dtype code of {@code dtype}.
     *
     * @param dtype the element type
     * @return its code, one of {@link #CODES}
     */
    public static String code(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> "F64";
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT16 -> "I16";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    /**
     * {@link #write(Path, Map, Map)} without metadata.
     *
     * @param path the file to write or replace
     * @param tensors the tensors by name, written in the map's iteration order; left unchanged
     * @throws IllegalArgumentException if a name is null or {@code __metadata__}, or a tensor is null or closed
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
        write(path, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (any device, any layout; the file holds contiguous CPU copies) and {@code metadata}
     * (may be null or empty) to {@code path}, atomically: the file appears complete or not at all, replacing any
     * file already there. The header lists the tensors in the map's iteration order (use a LinkedHashMap), which
     * is the order {@link SafeTensorsFile#names()} gives back. The data is laid out widest element type first, so
     * with the header padded to 8 bytes (with spaces, as the reference implementation does) every tensor is
     * aligned to its element size and {@link SafeTensorsFile#tensor} never needs to copy.
     *
     * @param path the file to write or replace
     * @param tensors the tensors by name; left unchanged and still owned by the caller
     * @param metadata the {@code __metadata__} strings, or null
     * @throws IllegalArgumentException if a name is null or {@code __metadata__}, a tensor is null or closed, or a
     *         metadata key or value is null
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensors, "tensors");
        requireLittleEndian();
        Map<String, String> meta = metadata == null ? Map.of() : metadata;
        meta.forEach((k, v) -> {
            if (k == null || v == null) throw new IllegalArgumentException("metadata keys and values must not be null");
        });

        List<Entry> entries = new ArrayList<>(tensors.size());
        List<Tensor> temporaries = new ArrayList<>();
        try {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                String name = e.getKey();
                Tensor t = e.getValue();
                if (name == null) throw new IllegalArgumentException("a tensor name is null");
                if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
                    throw new IllegalArgumentException("'" + name + "' is reserved for metadata; rename the tensor");
                }
                if (t == null) throw new IllegalArgumentException("tensor '" + name + "' is null");
                if (t.isClosed()) throw new IllegalArgumentException("tensor '" + name + "' is closed");
                entries.add(new Entry(name, hostContiguous(t, temporaries)));
            }
            // Widest elements first keeps every tensor aligned; the sort is stable so equal widths keep their order.
            List<Entry> layout = new ArrayList<>(entries);
            layout.sort(Comparator.comparingInt((Entry e) -> e.dtype.byteSize).reversed());
            long offset = 0;
            for (Entry e : layout) {
                e.begin = offset;
                offset = Math.addExact(offset, e.bytes);
            }
            byte[] header = header(entries, meta);
            AtomicFiles.write(path, channel -> {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                AtomicFiles.writeFully(channel, length);
                AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
                for (Entry e : layout) writeSegment(channel, e.data);
            });
        } finally {
            for (Tensor t : temporaries) t.close();
        }
    }

    private static final class Entry {
        final String name;
        final DType dtype;
        final long[] shape;
        final MemorySegment data;
        final long bytes;
        long begin;

        Entry(String name, Tensor host) {
            this.name = name;
            this.dtype = host.dtype();
            this.shape = host.shape();
            this.data = host.numel() == 0 ? MemorySegment.NULL : host.data();
            this.bytes = data.byteSize();
        }
    }

    /** {@code t} itself when it is a contiguous CPU tensor; otherwise a contiguous CPU copy added to temporaries. */
    static Tensor hostContiguous(Tensor t, List<Tensor> temporaries) {
        if (t.device().type() == Device.Type.CPU && t.isContiguous()) return t;
        Tensor detached = t.detach();
        temporaries.add(detached);
        Tensor host = detached.to(Device.CPU);
        temporaries.add(host);
        Tensor contiguous = host.contiguous();
        temporaries.add(contiguous);
        return contiguous;
    }

    private static byte[] header(List<Entry> entries, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(SafeTensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> m : metadata.entrySet()) g.writeStringField(m.getKey(), m.getValue());
                g.writeEndObject();
            }
            for (Entry e : entries) {
                g.writeObjectFieldStart(e.name);
                g.writeStringField("dtype", code(e.dtype));
                g.writeArrayFieldStart("shape");
                for (long d : e.shape) g.writeNumber(d);
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(e.begin);
                g.writeNumber(e.begin + e.bytes);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        int pad = (8 - out.size() % 8) % 8;
        for (int i = 0; i < pad; i++) out.write(' ');
        if (out.size() > SafeTensorsHeader.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("the safetensors header would take " + out.size() + " bytes, beyond the "
                    + SafeTensorsHeader.MAX_HEADER_BYTES + " readers accept; use fewer tensors or shorter names and metadata");
        }
        return out.toByteArray();
    }

    static void writeSegment(FileChannel channel, MemorySegment data) throws IOException {
        for (long at = 0; at < data.byteSize(); at += CHUNK) {
            AtomicFiles.writeFully(channel, data.asSlice(at, Math.min(CHUNK, data.byteSize() - at)).asByteBuffer());
        }
    }

    static void requireLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("safetensors and .npy I/O needs a little-endian machine");
        }
    }

    /**
     * {@link SafeTensorsFile#open}: maps {@code path} for zero-copy or copying reads; close it when done.
     *
     * @param path the safetensors file
     * @return the open file
     * @throws SafeTensorsFormatException if the file is not a valid safetensors file
     * @throws IOException if the file cannot be read
     */
    public static SafeTensorsFile open(Path path) throws IOException {
        return SafeTensorsFile.open(path);
    }

    /**
     * Reads every tensor of {@code path} into memory (copies, safe to use after the call); header order.
     *
     * @param path the safetensors file
     * @return the tensors by name (the caller, or the open scope, owns each)
     * @throws SafeTensorsFormatException if the file is not a valid safetensors file
     * @throws IOException if the file cannot be read
     */
    public static LinkedHashMap<String, Tensor> load(Path path) throws IOException {
        try (SafeTensorsFile file = SafeTensorsFile.open(path)) {
            return file.loadAll();
        }
    }
}
