package io.lambdahat.torch;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Once the shim is loaded, an OpenBLAS under libtorch runs on the calling thread (its own spinning pool beside
 * libtorch's made a training step twice as slow): its thread count reads 1. Skipped where libtorch's BLAS is not
 * OpenBLAS, or where the environment chose OpenBLAS's thread count.
 */
class BlasThreadsTest {
    @Test
    void openBlasRunsOnTheCallingThread() throws Throwable {
        assumeTrue(System.getenv("OPENBLAS_NUM_THREADS") == null, "OPENBLAS_NUM_THREADS is set: the user's choice stands");
        Path blas = Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3");
        assumeTrue(Files.exists(blas), "no system BLAS at " + blas);
        Torch.threads(); // loads the shim (and libtorch with its BLAS)
        try (Arena arena = Arena.ofConfined()) {
            Optional<MemorySegment> get = SymbolLookup.libraryLookup(blas.toRealPath(), arena).find("openblas_get_num_threads");
            assumeTrue(get.isPresent(), blas.toRealPath() + " is not OpenBLAS");
            int threads = (int) Linker.nativeLinker().downcallHandle(get.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
            assertEquals(1, threads, "OpenBLAS threads after loading the shim");
        }
    }
}
