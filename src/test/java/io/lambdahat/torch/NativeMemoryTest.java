package io.lambdahat.torch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 100 000 op calls inside scopes leave the live-handle counter at its baseline and the C heap flat. Resident
 * memory is printed too, but not asserted: it also moves with the Java heap as the collector sizes it.
 */
class NativeMemoryTest {
    private static void work(Tensor a, Tensor b, int calls) {
        for (int i = 0; i < calls; i += 5) {
            try (Scope s = Scope.open()) {
                Tensor c = a.add(b);                   // typed
                Tensor d = c.mul(0.5);                 // typed
                Tensor e = d.tanh();                   // boxed
                e.matmul(b.reshape(16, 1));            // typed + typed
            }
        }
    }

    @Test
    void liveHandlesReturnToBaselineAndTheNativeHeapStaysFlat() {
        try (Tensor a = Tensor.ones(16); Tensor b = Tensor.ones(16)) {
            work(a, b, 20_000); // warm-up: allocator pools and JIT settle
            long base = Torch.liveTensors();
            long heapStart = MemoryStats.nativeHeapInUse().orElse(-1L);
            long rssStart = MemoryStats.residentBytes();
            work(a, b, 100_000);
            long heapEnd = MemoryStats.nativeHeapInUse().orElse(-1L);
            long rssEnd = MemoryStats.residentBytes();
            System.out.printf("native memory over 100000 op calls: live tensors %d -> %d; C heap in use %d -> %d bytes; RSS %d -> %d KiB%n",
                    base, Torch.liveTensors(), heapStart, heapEnd, rssStart / 1024, rssEnd / 1024);
            assertEquals(base, Torch.liveTensors(), "every tensor created in a scope is freed");
            // One leaked 16-float tensor per call would be > 10 MB; the allocator's own bookkeeping moves by far less.
            if (heapStart >= 0) assertTrue(heapEnd - heapStart < 256 * 1024, "C heap grew by " + (heapEnd - heapStart) + " bytes");
        }
    }
}
