package io.lambdahat.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdahat.data.Dataset;
import io.lambdahat.tasks.ModularAdditionTask;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The grokking network: its gradient, the independence of its chains, and the modular-addition data. */
class ModularAdditionMlpTest {
    private static final ModularAdditionMlp SMALL = new ModularAdditionMlp(7, 3, 5);

    private static double[] randomWeights(ParameterLayout layout, int chains, long seed) {
        try (Scope s = Scope.open(); Generator g = new Generator(seed)) {
            return Tensor.randn(g, DType.FLOAT64, Device.CPU, chains, layout.size()).mul(0.7).toDoubleArray();
        }
    }

    private static long[] randomPairs(long seed, int p, int c, int b) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[] x = new long[c * b * 2];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(p);
        return x;
    }

    private static long[] sums(long[] x, int p) {
        long[] y = new long[x.length / 2];
        for (int i = 0; i < y.length; i++) y[i] = (x[2 * i] + x[2 * i + 1]) % p;
        return y;
    }

    private static Map<String, Tensor> views(ParameterLayout layout, Tensor flat) {
        return ChainParameters.viewsOf(layout, flat);
    }

    private static double[] lossOf(ModularAdditionMlp model, double[] w, int c, long[] xs, long[] ys, int b) {
        try (Scope s = Scope.open()) {
            Tensor flat = Tensor.of(w, c, model.layout().size());
            return model.loss(views(model.layout(), flat), Tensor.of(xs, c, b, 2), Tensor.of(ys, c, b)).toDoubleArray();
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        int c = 2, b = 6, p = SMALL.modulus();
        double[] w0 = randomWeights(SMALL.layout(), c, 11);
        long[] xs = randomPairs(12, p, c, b);
        // random targets as well as the true sums, so that no logit gradient is near zero by construction
        long[] ys = new long[c * b];
        SplittableRandom rng = new SplittableRandom(13);
        for (int i = 0; i < ys.length; i++) ys[i] = rng.nextInt(p);
        double[] grad;
        try (Scope s = Scope.open()) {
            Tensor flat = Tensor.of(w0, c, SMALL.layout().size()).requiresGrad(true);
            SMALL.loss(views(SMALL.layout(), flat), Tensor.of(xs, c, b, 2), Tensor.of(ys, c, b)).sum().backward();
            grad = flat.grad().toDoubleArray();
        }
        try (var ng = Torch.noGrad()) {
            FiniteDifferences.checkPerParameter(SMALL.layout(), c, w0, grad, w -> lossOf(SMALL, w, c, xs, ys, b), 14);
            // and a few single coordinates, one in each parameter, against central differences
            long size = SMALL.layout().size();
            for (ParameterLayout.Entry e : SMALL.layout().entries()) {
                int at = (int) (size + e.offset() + e.size() / 2); // chain 1
                double h = 1e-6;
                double[] plus = w0.clone(), minus = w0.clone();
                plus[at] += h;
                minus[at] -= h;
                double fd = (lossOf(SMALL, plus, c, xs, ys, b)[1] - lossOf(SMALL, minus, c, xs, ys, b)[1]) / (2 * h);
                assertEquals(fd, grad[at], 1e-8 + 1e-6 * Math.abs(fd), e.name());
            }
        }
    }

    @Test
    void chainsAreIndependent() {
        ModularAdditionMlp model = new ModularAdditionMlp(11, 4, 6);
        int c = 3, b = 5;
        long p = model.layout().size();
        double[] w = randomWeights(model.layout(), c, 21);
        long[] xs = randomPairs(22, 11, c, b);
        long[] ys = sums(xs, 11);
        try (Scope s = Scope.open()) {
            Tensor flat = Tensor.of(w, c, p).requiresGrad(true);
            Tensor together = model.loss(views(model.layout(), flat), Tensor.of(xs, c, b, 2), Tensor.of(ys, c, b));
            together.sum().backward();
            double[] losses = together.toDoubleArray();
            double[] grads = flat.grad().toDoubleArray();
            assertNotEquals(losses[0], losses[1], 1e-6, "different weights must give different losses");
            for (int ch = 0; ch < c; ch++) {
                double[] wc = new double[(int) p];
                System.arraycopy(w, (int) (ch * p), wc, 0, wc.length);
                long[] xc = new long[b * 2], yc = new long[b];
                System.arraycopy(xs, ch * b * 2, xc, 0, xc.length);
                System.arraycopy(ys, ch * b, yc, 0, yc.length);
                Tensor single = Tensor.of(wc, 1, p).requiresGrad(true);
                Tensor alone = model.loss(views(model.layout(), single), Tensor.of(xc, 1, b, 2), Tensor.of(yc, 1, b));
                alone.sum().backward();
                assertEquals(alone.item(), losses[ch], 1e-12, "chain " + ch);
                double[] g = single.grad().toDoubleArray();
                for (int i = 0; i < p; i++) assertEquals(g[i], grads[(int) (ch * p + i)], 1e-12, "chain " + ch + " gradient " + i);
            }
        }
    }

    @Test
    void accuracyCountsArgMaxHits() {
        try (Scope s = Scope.open()) {
            // chain 0: rows pick classes 2, 0, 1 against targets 2, 1, 1 → 2/3; chain 1: all wrong
            Tensor logits = Tensor.of(new double[] {0, 1, 5, 9, 0, 0, 0, 3, 1, 1, 0, 0, 0, 0, 2, 0, 4, 0}, 2, 3, 3);
            Tensor y = Tensor.of(new long[] {2, 1, 1, 1, 1, 2}, 2, 3);
            assertArrayEquals(new double[] {2.0 / 3, 0}, ModularAdditionMlp.accuracy(logits, y).to(DType.FLOAT64).toDoubleArray(), 1e-7);
        }
    }

    @Test
    void badInputsAreRejected() {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> p = views(SMALL.layout(), Tensor.zeros(DType.FLOAT32, Device.CPU, 2, SMALL.layout().size()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SMALL.logits(p, Tensor.of(new long[] {1, 2, 3}, 1, 1, 3)));
            assertTrue(e.getMessage().contains("pairs [C, B, 2]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SMALL.logits(p, Tensor.of(new long[] {1, 2}, 1, 1, 2)));
            assertTrue(e.getMessage().contains("1 chains but the parameters have 2"), e.getMessage());
        }
    }

    @Test
    void theSplitCoversEveryPairOnceWithItsSum() {
        ModularAdditionTask task = new ModularAdditionTask(53, 0.4);
        assertEquals(1124, task.trainSize(), "torch random_split: ⌊0.4·2809⌋ = 1123 plus the left-over pair");
        Dataset[] sets = task.split(5);
        try {
            assertEquals(1124, sets[0].size());
            assertEquals(2809 - 1124, sets[1].size());
            Set<Long> seen = new HashSet<>();
            for (Dataset d : sets) {
                long[] x = d.x().toLongArray(), y = d.y().toLongArray();
                for (int i = 0; i < y.length; i++) {
                    assertEquals((x[2 * i] + x[2 * i + 1]) % 53, y[i]);
                    assertTrue(seen.add(x[2 * i] * 53 + x[2 * i + 1]), "pair seen twice");
                }
            }
            assertEquals(2809, seen.size());
            Dataset[] again = task.split(5), other = task.split(6);
            try {
                assertArrayEquals(sets[0].x().toLongArray(), again[0].x().toLongArray(), "the split is a function of the seed");
                assertNotEquals(java.util.Arrays.toString(sets[0].x().toLongArray()), java.util.Arrays.toString(other[0].x().toLongArray()));
            } finally {
                for (Dataset d : again) d.close();
                for (Dataset d : other) d.close();
            }
        } finally {
            for (Dataset d : sets) d.close();
        }
    }
}
