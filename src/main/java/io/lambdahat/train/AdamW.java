package io.lambdahat.train;

import io.lambdahat.simd.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as torch.optim.AdamW computes it (amsgrad off): with t the update number,
 * <pre>
 *   w ← w·(1 − lr·λ_wd)                       decoupled weight decay
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * all in float32, one fused pass over w, g, m and v. {@link #adam} gives torch.optim.Adam's coupled form instead
 * (the optimiser "adam"): g ← g + λ_wd·w before the moments and no decoupled decay. The two differ most once the
 * loss gradient is near zero: Adam's normalisation then turns the L2 term into steps of about lr each, which is
 * what drives the weights of a memorised modular-addition network towards the generalising solution (grokking).
 */
public final class AdamW extends FlatOptimizer {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean coupled;

    /**
     * AdamW with its state buffers zeroed.
     *
     * @param size        P, the number of parameters
     * @param beta1       β₁, in [0, 1)
     * @param beta2       β₂, in [0, 1)
     * @param eps         ε, positive
     * @param weightDecay λ_wd (decoupled), ≥ 0
     * @throws IllegalArgumentException naming the setting out of range
     */
    public AdamW(long size, double beta1, double beta2, double eps, double weightDecay) {
        this(size, beta1, beta2, eps, weightDecay, false);
    }

    /**
     * torch.optim.Adam with its L2 weight decay coupled into the gradient (g ← g + λ_wd·w), state zeroed.
     *
     * @param size        P, the number of parameters
     * @param beta1       β₁, in [0, 1)
     * @param beta2       β₂, in [0, 1)
     * @param eps         ε, positive
     * @param weightDecay λ_wd (added to the gradient), ≥ 0
     * @return the optimiser, named "adam"
     * @throws IllegalArgumentException naming the setting out of range
     */
    public static AdamW adam(long size, double beta1, double beta2, double eps, double weightDecay) {
        return new AdamW(size, beta1, beta2, eps, weightDecay, true);
    }

    private AdamW(long size, double beta1, double beta2, double eps, double weightDecay, boolean coupled) {
        if (!(beta1 >= 0 && beta1 < 1)) throw new io.lambdahat.InvalidInputException("AdamW β₁ must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new io.lambdahat.InvalidInputException("AdamW β₂ must be in [0, 1), got " + beta2);
        if (!(eps > 0) || Double.isInfinite(eps)) throw new io.lambdahat.InvalidInputException("AdamW ε must be positive, got " + eps);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new io.lambdahat.InvalidInputException("weight decay must be ≥ 0, got " + weightDecay);
        super(size, EXP_AVG, EXP_AVG_SQ);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.coupled = coupled;
    }

    @Override
    public String name() {
        return coupled ? "adam" : "adamw";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("eps", eps);
        m.put("weight_decay", weightDecay);
        return m;
    }

    /** The float32 scalars of update number t (1-based) at learning rate lr, computed in double as torch does. */
    record Coefficients(float l2, float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
                        float bc2Sqrt, float eps) {}

    Coefficients coefficients(long t, double lr) {
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        return new Coefficients(coupled ? (float) weightDecay : 0f, coupled ? 1f : (float) (1 - lr * weightDecay), (float) beta1, (float) (1 - beta1), (float) beta2,
                (float) (1 - beta2), (float) (lr / bc1), (float) Math.sqrt(bc2), (float) eps);
    }

    @Override
    public void step(MemorySegment params, MemorySegment grad, double lr) {
        Optimizer.checkLengths(size(), params, grad);
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and ≥ 0, got " + lr);
        Coefficients c = coefficients(steps + 1, lr);
        stepVector(params, grad, buffer(EXP_AVG), buffer(EXP_AVG_SQ), size(), c);
        steps++;
    }

    /** The fused Vector API update of n elements. */
    static void stepVector(MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v, long n, Coefficients c) {
        VectorSpecies<Float> s = Species.FLOAT;
        ByteOrder order = ByteOrder.nativeOrder();
        FloatVector decay = FloatVector.broadcast(s, c.decay());
        FloatVector l2 = FloatVector.broadcast(s, c.l2());
        boolean coupled = c.l2() != 0;
        FloatVector b1 = FloatVector.broadcast(s, c.beta1()), ob1 = FloatVector.broadcast(s, c.oneMinusBeta1());
        FloatVector b2 = FloatVector.broadcast(s, c.beta2()), ob2 = FloatVector.broadcast(s, c.oneMinusBeta2());
        FloatVector minusStep = FloatVector.broadcast(s, -c.stepSize());
        FloatVector bc2Sqrt = FloatVector.broadcast(s, c.bc2Sqrt()), eps = FloatVector.broadcast(s, c.eps());
        long bound = s.loopBound(n);
        long stride = (long) s.length() * Float.BYTES;
        long at = 0;
        for (long end = bound * Float.BYTES; at < end; at += stride) {
            FloatVector w0 = FloatVector.fromMemorySegment(s, w, at, order);
            FloatVector gv = FloatVector.fromMemorySegment(s, g, at, order);
            if (coupled) gv = gv.add(w0.mul(l2));
            FloatVector mv = b1.fma(FloatVector.fromMemorySegment(s, m, at, order), ob1.mul(gv));
            FloatVector vv = b2.fma(FloatVector.fromMemorySegment(s, v, at, order), ob2.mul(gv).mul(gv));
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            FloatVector wv = w0.mul(decay);
            minusStep.fma(mv.div(denom), wv).intoMemorySegment(w, at, order);
            mv.intoMemorySegment(m, at, order);
            vv.intoMemorySegment(v, at, order);
        }
        stepScalar(w, g, m, v, bound, n, c);
    }

    /** The scalar twin of {@link #stepVector} over elements [from, to): the same float operations in the same order. */
    static void stepScalar(MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v, long from, long to, Coefficients c) {
        float minusStep = -c.stepSize();
        for (long i = from; i < to; i++) {
            long at = i * Float.BYTES;
            float w0 = w.get(FLOAT, at);
            float gi = g.get(FLOAT, at);
            if (c.l2() != 0) gi = gi + w0 * c.l2();
            float mi = Math.fma(c.beta1(), m.get(FLOAT, at), c.oneMinusBeta1() * gi);
            float vi = Math.fma(c.beta2(), v.get(FLOAT, at), c.oneMinusBeta2() * gi * gi);
            float denom = (float) Math.sqrt(vi) / c.bc2Sqrt() + c.eps();
            float wi = w0 * c.decay();
            w.set(FLOAT, at, Math.fma(minusStep, mi / denom, wi));
            m.set(FLOAT, at, mi);
            v.set(FLOAT, at, vi);
        }
    }
}
