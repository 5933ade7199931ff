package io.lambdahat.torch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The error protocol and the ownership rules: failures are Java exceptions, never crashes or leaks. */
class ErrorsAndOwnershipTest {
    @Test
    void shapeMismatchIsATorchExceptionNamingBothShapesAndTheJvmCarriesOn() {
        long before = Torch.liveTensors();
        try (Tensor a = Tensor.zeros(2, 3); Tensor b = Tensor.zeros(4, 5)) {
            TorchException e = assertThrows(TorchException.class, () -> a.matmul(b));
            assertTrue(e.getMessage().contains("2x3") && e.getMessage().contains("4x5"), e.getMessage());
            assertFalse(e.getMessage().contains("Exception raised from"), "no C++ backtrace: " + e.getMessage());
            // the thread's error slot was cleared: the next call works and the next failure reports itself
            try (Tensor c = a.matmul(Tensor.zeros(3, 1))) {
                assertArrayEquals(new long[] {2, 1}, c.shape());
            }
            TorchException boxed = assertThrows(TorchException.class, () -> Tensor.cat(1, a, b));
            assertTrue(boxed.getMessage().startsWith("aten::cat"), boxed.getMessage());
        }
        System.gc();
        assertTrue(Torch.liveTensors() <= before + 1, "failed calls leak no handles");
    }

    @Test
    void useAfterCloseThrowsAndCloseIsIdempotent() {
        Tensor a = Tensor.ones(3);
        a.close();
        a.close();
        assertTrue(a.isClosed());
        assertThrows(IllegalStateException.class, a::shape);
        assertThrows(IllegalStateException.class, () -> a.add(1));
        try (Tensor b = Tensor.ones(3)) {
            assertThrows(IllegalStateException.class, () -> b.add(a));
        }
    }

    @Test
    void dataReadAfterCloseThrowsInsteadOfReadingFreedMemory() {
        java.lang.foreign.ValueLayout.OfFloat f = java.lang.foreign.ValueLayout.JAVA_FLOAT;
        Tensor a = Tensor.of(new float[] {1.5f, -2f, 3.25f}, 3);
        java.lang.foreign.MemorySegment data = a.data();
        assertEquals(3.25f, data.getAtIndex(f, 2), "read before close");
        data.setAtIndex(f, 0, 7f);
        assertArrayEquals(new float[] {7f, -2f, 3.25f}, a.toFloatArray(), "a write through data() reaches the tensor");
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> data.getAtIndex(f, 0));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> data.setAtIndex(f, 1, 0f));
        assertThrows(IllegalStateException.class, a::data);

        // The same through a scope: its tensors' segments die with it, and another handle keeps its own alive.
        java.lang.foreign.MemorySegment scoped;
        Tensor survivor;
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.ones(4);
            scoped = x.data();
            survivor = s.release(x.share());
            assertEquals(1f, scoped.getAtIndex(f, 3));
        }
        assertThrows(IllegalStateException.class, () -> scoped.getAtIndex(f, 3));
        try (survivor) {
            assertEquals(1f, survivor.data().getAtIndex(f, 3), "the storage lives on under the other handle");
        }
    }

    @Test
    void scopesFreeWhatTheyOwnAndKeepHandsResultsOut() {
        long base = Torch.liveTensors();
        Tensor kept;
        try (Scope outer = Scope.open()) {
            try (Scope inner = Scope.open()) {
                Tensor x = Tensor.ones(4);
                Tensor y = x.mul(2).add(1);
                kept = inner.keep(y);
                assertEquals(base + 3, Torch.liveTensors()); // ones, mul, add
            }
            assertEquals(base + 1, Torch.liveTensors());
            assertFalse(kept.isClosed());
            assertArrayEquals(new float[] {3, 3, 3, 3}, kept.toFloatArray());
        }
        assertTrue(kept.isClosed(), "the outer scope adopted and freed it");
        assertEquals(base, Torch.liveTensors());
    }

    @Test
    void badArgumentsAreJavaExceptions() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        assertThrows(TorchException.class, () -> Torch.setThreads(0));
        TorchException e = assertThrows(TorchException.class, () -> Op.find("aten::no_such_op", ""));
        assertTrue(e.getMessage().contains("no_such_op"), e.getMessage());
    }
}
