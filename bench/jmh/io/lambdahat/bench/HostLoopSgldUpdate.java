package io.lambdahat.bench;

import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SgldUpdate;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The SGLD update as one pass of plain Java over the [C, P] float32 buffers (zero copy through {@link Tensor#data()}),
 * with Gaussian noise from a Java generator: a stand-in for a fused CPU kernel, to measure what replacing the
 * update's libtorch ops by a single loop saves per step. Same update and step norms as the torch-ops update; the noise
 * is a different (equally distributed) stream, so results match in distribution, not bit for bit. CPU float32 only;
 * no bounding box.
 */
final class HostLoopSgldUpdate implements SgldUpdate {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private final RandomGenerator random;

    HostLoopSgldUpdate(long seed) {
        this.random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Override
    public StepNorms step(Tensor w, Tensor grad, Tensor center, boolean[] frozen, double nbeta, SamplerConfig config,
                          Generator noise, boolean wantNorms) {
        if (w.dtype() != DType.FLOAT32 || !w.device().equals(Device.CPU)) {
            throw new IllegalArgumentException("the host-loop update takes CPU float32 weights, got " + w.dtype() + " on " + w.device());
        }
        if (config.boundingBox() > 0) throw new IllegalArgumentException("the host-loop update has no bounding box; use the torch-ops update");
        int chains = (int) w.size(0);
        long p = w.size(1);
        MemorySegment ws = w.data(), gs = grad.data(), cs = center.data();
        float halfEps = (float) (config.epsilon() / 2), rootEps = (float) Math.sqrt(config.epsilon());
        float nb = (float) nbeta, gamma = (float) config.gamma(), wd = (float) config.weightDecay();
        double[] distance = wantNorms ? new double[chains] : null, weight = wantNorms ? new double[chains] : null;
        double[] drift = wantNorms ? new double[chains] : null, noiseNorm = wantNorms ? new double[chains] : null;
        for (int k = 0; k < chains; k++) {
            if (frozen[k]) continue;
            long row = k * p;
            double d2 = 0, w2 = 0, dr2 = 0, n2 = 0;
            for (long i = 0; i < p; i++) {
                long at = (row + i) * Float.BYTES;
                float wi = ws.get(F, at), c = cs.get(F, i * Float.BYTES);
                float step = halfEps * (nb * gs.get(F, at) + gamma * (wi - c) + wd * wi);
                float xi = rootEps * (float) random.nextGaussian();
                float next = wi - step + xi;
                ws.set(F, at, next);
                if (wantNorms) {
                    d2 += (double) (next - c) * (next - c);
                    w2 += (double) next * next;
                    dr2 += (double) step * step;
                    n2 += (double) xi * xi;
                }
            }
            if (wantNorms) {
                distance[k] = Math.sqrt(d2);
                weight[k] = Math.sqrt(w2);
                drift[k] = Math.sqrt(dr2);
                noiseNorm[k] = Math.sqrt(n2);
            }
        }
        return wantNorms ? new StepNorms(distance, weight, drift, noiseNorm) : null;
    }
}
