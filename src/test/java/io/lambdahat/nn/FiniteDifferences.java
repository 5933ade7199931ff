package io.lambdahat.nn;

import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Central differences of each chain's loss along a random direction inside each named parameter, against the
 * autograd gradient projected on the same direction: every parameter of every chain is checked with two loss
 * evaluations, and a wrong gradient coordinate shows up unless the direction happens to be orthogonal to the
 * error (probability zero).
 */
final class FiniteDifferences {
    private FiniteDifferences() {}

    /**
     * @param w0     flat weights [C · P] at which the gradient was taken
     * @param grad   autograd gradient of Σ_c loss_c, [C · P]
     * @param losses per-chain losses [C] of flat weights [C · P] (evaluated without grad)
     */
    static void checkPerParameter(ParameterLayout layout, int chains, double[] w0, double[] grad,
                                  Function<double[], double[]> losses, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long p = layout.size();
        double h = 1e-6;
        for (int c = 0; c < chains; c++) {
            for (ParameterLayout.Entry e : layout.entries()) {
                double[] dir = new double[(int) e.size()];
                double norm = 0;
                for (int i = 0; i < dir.length; i++) norm += (dir[i] = rng.nextGaussian()) * dir[i];
                norm = Math.sqrt(norm);
                double projected = 0;
                double[] plus = w0.clone(), minus = w0.clone();
                for (int i = 0; i < dir.length; i++) {
                    int at = (int) (c * p + e.offset() + i);
                    dir[i] /= norm;
                    plus[at] += h * dir[i];
                    minus[at] -= h * dir[i];
                    projected += grad[at] * dir[i];
                }
                double fd = (losses.apply(plus)[c] - losses.apply(minus)[c]) / (2 * h);
                assertEquals(fd, projected, 1e-8 + 1e-6 * Math.abs(fd), "chain " + c + ", d loss / d " + e.name() + " along a random direction");
            }
        }
    }
}
