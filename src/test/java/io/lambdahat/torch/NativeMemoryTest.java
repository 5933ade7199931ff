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
            work(a, b, 50_000); // warm-up: allocator pools and JIT settle
            long base = Torch.liveTensors();
            long rssStart = MemoryStats.residentBytes();
            // The JVM itself mallocs too (JIT compiler arenas, GC tables), so one round can move the C heap by a few MB.
            // A leak grows it in every round: one leaked 16-float tensor per call is > 10 MB per round of 100 000 calls.
            long smallestGrowth = Long.MAX_VALUE;
            StringBuilder rounds = new StringBuilder();
            for (int round = 0; round < 3; round++) {
                long before = MemoryStats.nativeHeapInUse().orElse(-1L);
                work(a, b, 100_000);
                long after = MemoryStats.nativeHeapInUse().orElse(-1L);
                smallestGrowth = Math.min(smallestGrowth, after - before);
                rounds.append(String.format(" %+d", after - before));
                assertEquals(base, Torch.liveTensors(), "every tensor created in a scope is freed");
            }
            System.out.printf("native memory over 3 x 100000 op calls: live tensors %d -> %d; C heap growth per round (bytes):%s; RSS %d -> %d KiB%n",
                    base, Torch.liveTensors(), rounds, rssStart / 1024, MemoryStats.residentBytes() / 1024);
            if (MemoryStats.nativeHeapInUse().isPresent()) {
                assertTrue(smallestGrowth < 1 << 20, "the C heap grew in every round (smallest growth " + smallestGrowth + " bytes)");
            }
        }
    }
}
