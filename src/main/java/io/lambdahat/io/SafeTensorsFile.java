package io.lambdahat.io;

import io.lambdahat.InvalidInputException;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, memory-mapped: opening reads and validates the header (any defect is a
 * {@link SafeTensorsFormatException}) and maps the file; nothing else is read until asked for. Closing unmaps.
 *
 * <p>Two ways to get a tensor:
 * <ul>
 *   <li>{@link #tensor(String)}: zero copy, a libtorch tensor over the mapped bytes. <b>The file must stay open
 *       while that tensor, or any view of it, is in use</b>: after {@link #close()} its memory is unmapped and
 *       touching it crashes the process. When the file could be opened for writing the mapping is private
 *       (copy on write), so in-place operations change only this process's pages, never the file; otherwise
 *       (a read-only file or file system, or a file too large for the kernel to reserve copy-on-write memory
 *       for; {@link #isCopyOnWrite()} false) the pages are read-only and in-place operations on the tensor
 *       crash the process: take a {@link #load} copy to modify.</li>
 *   <li>{@link #load(String)}: a copy in ordinary libtorch memory, independent of this file.</li>
 * </ul>
 *
 * <p>The mapping is shared across threads; a file may be read from several threads at once and closed by one.
 * Another process truncating the file while it is mapped is outside what this class can defend against:
 * {@link SafeTensors#write} replaces files by rename, which leaves open mappings intact.
 */
public final class SafeTensorsFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final boolean copyOnWrite;
    private final long headerLength;
    private final SafeTensorsHeader header;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment data, boolean copyOnWrite, long headerLength,
                            SafeTensorsHeader header) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.copyOnWrite = copyOnWrite;
        this.headerLength = headerLength;
        this.header = header;
    }

    /**
     * Opens and maps {@code path}.
     *
     * @param path the safetensors file
     * @return the open file; close it when its zero-copy tensors are no longer used
     * @throws SafeTensorsFormatException when the file is not a valid safetensors file
     * @throws IOException when it cannot be read
     */
    public static SafeTensorsFile open(Path path) throws IOException {
        SafeTensors.requireLittleEndian();
        FileChannel channel = openForMapping(path);
        boolean copyOnWrite = channel != null;
        if (channel == null) channel = FileChannel.open(path, StandardOpenOption.READ);
        // The arena is made only once the header has passed: closing a shared arena costs a thread handshake.
        Arena arena = null;
        try (FileChannel ch = channel) {
            long size = ch.size();
            if (size < 8) {
                throw new SafeTensorsFormatException(path, "the file has " + size
                        + " bytes, fewer than the 8-byte header length it must start with (truncated or empty file)");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lengthBytes, 0);
            long n = lengthBytes.getLong(0);
            if (n < 0 || n > SafeTensorsHeader.MAX_HEADER_BYTES) {
                throw new SafeTensorsFormatException(path, "the header length " + Long.toUnsignedString(n)
                        + " exceeds the limit of " + SafeTensorsHeader.MAX_HEADER_BYTES + " bytes (corrupt file?)");
            }
            if (n > size - 8) {
                throw new SafeTensorsFormatException(path, "the header length " + n + " runs past the end of the file ("
                        + size + " bytes; truncated file?)");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, 8);
            SafeTensorsHeader header = SafeTensorsHeader.parse(path, json.array(), size - 8 - n);
            arena = Arena.ofShared();
            MemorySegment mapped = null;
            if (copyOnWrite) {
                try {
                    mapped = ch.map(FileChannel.MapMode.PRIVATE, 0, size, arena);
                } catch (IOException e) {
                    // The kernel may refuse to reserve memory for a private mapping of a file larger than RAM;
                    // a read-only mapping needs no reservation.
                    copyOnWrite = false;
                }
            }
            if (mapped == null) mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new SafeTensorsFile(path, arena, mapped.asSlice(8 + n), copyOnWrite, n, header);
        } catch (Throwable t) {
            if (arena != null) arena.close();
            throw t;
        }
    }

    /** A read-write channel, for a private (copy-on-write) mapping; null when the file or its file system is read-only. */
    private static FileChannel openForMapping(Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (FileSystemException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) throw new EOFException("unexpected end of file");
            at += read;
        }
    }

    /**
     * The file's path, as given to {@link #open}.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * The tensor names in the order the header lists them.
     *
     * @return an unmodifiable list
     */
    public List<String> names() {
        return List.copyOf(header.tensors().keySet());
    }

    /**
     * Whether the file holds a tensor of that name.
     *
     * @param name the tensor's key
     * @return true if {@link #info} would find it
     */
    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /**
     * Number of tensors in the file.
     *
     * @return the count, metadata not included
     */
    public int size() {
        return header.tensors().size();
    }

    /**
     * The {@code __metadata__} map (empty when the file has none), in file order.
     *
     * @return the metadata strings
     */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /**
     * Name, dtype, shape and byte range of tensor {@code name}.
     *
     * @param name the tensor's key
     * @return its header entry
     * @throws IllegalArgumentException if there is no such tensor (the message lists those there are)
     */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new InvalidInputException("no tensor " + SafeTensorsHeader.quote(name) + " in " + path
                    + " (it holds " + summary() + ")");
        }
        return info;
    }

    /**
     * Every tensor's info, in header order.
     *
     * @return an unmodifiable list
     */
    public List<TensorInfo> infos() {
        return List.copyOf(header.tensors().values());
    }

    /**
     * Bytes of the JSON header, padding included.
     *
     * @return N, the header length the file starts with
     */
    public long headerLength() {
        return headerLength;
    }

    /**
     * False when the file was mapped read-only (see the class comment).
     *
     * @return true when in-place operations on {@link #tensor} results are safe (they change only this process's pages)
     */
    public boolean isCopyOnWrite() {
        return copyOnWrite;
    }

    /**
     * Whether the file is still mapped.
     *
     * @return false after {@link #close()}
     */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /**
     * The raw little-endian bytes of tensor {@code name}: a read-only, zero-copy view, valid until close.
     *
     * @param name the tensor's key
     * @return the bytes, C order
     * @throws IllegalArgumentException if there is no such tensor
     */
    public MemorySegment segment(String name) {
        return slice(info(name)).asReadOnly();
    }

    /**
     * Tensor {@code name} as a zero-copy CPU tensor over the mapped file. The file must stay open for as long as
     * the tensor or any view of it is used (see the class comment). Data not aligned to its element size (files
     * from writers that do not pad) is copied instead, as is an empty tensor.
     *
     * @param name the tensor's key
     * @return a new tensor handle (the caller, or the open scope, owns the handle; the file owns the memory)
     * @throws IllegalArgumentException if there is no such tensor
     * @throws SafeTensorsFormatException if a BOOL tensor holds bytes other than 0 and 1
     */
    public Tensor tensor(String name) {
        TensorInfo info = info(name);
        MemorySegment bytes = slice(info);
        checkBools(info, bytes);
        if (info.byteSize() == 0 || bytes.address() % info.dtype().byteSize != 0) return copy(info, bytes);
        return Tensor.fromSegment(bytes, info.dtype(), info.shape());
    }

    /**
     * Tensor {@code name} copied into memory of its own: valid after this file is closed.
     *
     * @param name the tensor's key
     * @return a new tensor (the caller, or the open scope, owns it)
     * @throws IllegalArgumentException if there is no such tensor
     * @throws SafeTensorsFormatException if a BOOL tensor holds bytes other than 0 and 1
     */
    public Tensor load(String name) {
        TensorInfo info = info(name);
        MemorySegment bytes = slice(info);
        checkBools(info, bytes);
        return copy(info, bytes);
    }

    /**
     * Every tensor, copied ({@link #load}), in header order.
     *
     * @return the tensors by name (the caller, or the open scope, owns each)
     * @throws SafeTensorsFormatException if a BOOL tensor holds bytes other than 0 and 1
     */
    public LinkedHashMap<String, Tensor> loadAll() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (String name : header.tensors().keySet()) out.put(name, load(name));
        } catch (RuntimeException e) {
            out.values().forEach(Tensor::close);
            throw e;
        }
        return out;
    }

    /** Unmaps the file. Idempotent. Tensors from {@link #tensor} must not be used afterwards. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }

    @Override
    public String toString() {
        return "SafeTensorsFile(" + path + ", " + summary() + ")";
    }

    private String summary() {
        List<String> names = new ArrayList<>(header.tensors().keySet());
        int n = names.size();
        if (n == 0) return "no tensors";
        String shown = String.join(", ", names.subList(0, Math.min(n, 8)).stream().map(SafeTensorsHeader::quote).toList());
        return n + " tensor" + (n == 1 ? "" : "s") + ": " + shown + (n > 8 ? ", …" : "");
    }

    private MemorySegment slice(TensorInfo info) {
        if (!isOpen()) throw new IllegalStateException(path + " is closed");
        return data.asSlice(info.begin(), info.byteSize());
    }

    private static Tensor copy(TensorInfo info, MemorySegment bytes) {
        Tensor t = Tensor.empty(info.dtype(), Device.CPU, info.shape());
        if (bytes.byteSize() > 0) {
            try {
                MemorySegment.copy(bytes, 0, t.data(), 0, bytes.byteSize());
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        }
        return t;
    }

    /** libtorch assumes a bool byte is 0 or 1; anything else is a corrupt file, not a value. */
    private void checkBools(TensorInfo info, MemorySegment bytes) {
        if (info.dtype() != DType.BOOL) return;
        long n = bytes.byteSize();
        for (long i = 0; i < n; i++) {
            byte b = bytes.get(ValueLayout.JAVA_BYTE, i);
            if ((b & ~1) != 0) {
                throw new SafeTensorsFormatException(path, "BOOL tensor " + SafeTensorsHeader.quote(info.name())
                        + " holds the byte " + (b & 0xff) + " at element " + i + " (only 0 and 1 are booleans)");
            }
        }
    }
}
