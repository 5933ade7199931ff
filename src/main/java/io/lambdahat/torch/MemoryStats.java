package io.lambdahat.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Process memory figures for leak checks: the C heap in use (glibc's mallinfo2, where libtorch's CPU tensors
 * live) separately from the resident set, which also moves with the Java heap.
 */
public final class MemoryStats {
    private static final StructLayout MALLINFO2 = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"),
            ValueLayout.JAVA_LONG.withName("smblks"), ValueLayout.JAVA_LONG.withName("hblks"),
            ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
            ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"),
            ValueLayout.JAVA_LONG.withName("fordblks"), ValueLayout.JAVA_LONG.withName("keepcost"));
    private static final MethodHandle MALLINFO = Linker.nativeLinker().defaultLookup().find("mallinfo2")
            .map(a -> Linker.nativeLinker().downcallHandle(a, FunctionDescriptor.of(MALLINFO2)))
            .orElse(null);

    private MemoryStats() {}

    /**
     * Bytes the C allocator has handed out and not yet had back (small blocks plus mmapped ones), if known.
     *
     * @return the bytes in use, or empty where glibc's mallinfo2 is unavailable
     */
    public static Optional<Long> nativeHeapInUse() {
        if (MALLINFO == null) return Optional.empty();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) MALLINFO.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            long inUse = info.get(ValueLayout.JAVA_LONG, MALLINFO2.byteOffset(MemoryLayout.PathElement.groupElement("uordblks")))
                    + info.get(ValueLayout.JAVA_LONG, MALLINFO2.byteOffset(MemoryLayout.PathElement.groupElement("hblkhd")));
            return Optional.of(inUse);
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    /**
     * Resident set size of this process in bytes (Linux).
     *
     * @return the resident bytes, or -1 where /proc/self/status cannot be read
     */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        } catch (Exception ignored) {
            // not Linux: unknown
        }
        return -1;
    }
}
