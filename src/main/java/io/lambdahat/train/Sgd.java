package io.lambdahat.train;

import io.lambdahat.simd.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD as torch.optim.SGD computes it: d = g + λ_wd·w (coupled L2 weight decay); with momentum μ the buffer
 * b ← μ·b + (1 − τ)·d (b = d on the first update, τ the dampening) and d = b, or d = d + μ·b with Nesterov;
 * then w ← w − lr·d. One fused pass in float32.
 */
public final class Sgd extends FlatOptimizer {
    static final String MOMENTUM_BUFFER = "momentum_buffer";
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;

    /**
     * SGD with its momentum buffer (if any) zeroed.
     *
     * @param size        P, the number of parameters
     * @param momentum    μ, in [0, 1); 0 for none
     * @param dampening   τ, in [0, 1]
     * @param nesterov    Nesterov momentum (needs μ &gt; 0 and τ = 0)
     * @param weightDecay the L2 coefficient λ_wd, ≥ 0
     * @throws IllegalArgumentException naming the setting out of range
     */
    public Sgd(long size, double momentum, double dampening, boolean nesterov, double weightDecay) {
        if (!(momentum >= 0 && momentum < 1)) throw new io.lambdahat.InvalidInputException("SGD momentum must be in [0, 1), got " + momentum);
        if (!(dampening >= 0 && dampening <= 1)) throw new io.lambdahat.InvalidInputException("SGD dampening must be in [0, 1], got " + dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new io.lambdahat.InvalidInputException("Nesterov momentum needs a momentum > 0 and zero dampening (as torch.optim.SGD)");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new io.lambdahat.InvalidInputException("weight decay must be ≥ 0, got " + weightDecay);
        super(size, momentum == 0 ? new String[0] : new String[] {MOMENTUM_BUFFER});
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("momentum", momentum);
        m.put("dampening", dampening);
        m.put("nesterov", nesterov);
        m.put("weight_decay", weightDecay);
        return m;
    }

    /** The float32 scalars of one update; {@code first} marks the update that initialises the momentum buffer. */
    record Coefficients(float minusLr, float weightDecay, float momentum, float oneMinusDampening, boolean useMomentum,
                        boolean nesterov, boolean first) {}

    Coefficients coefficients(double lr) {
        return new Coefficients((float) -lr, (float) weightDecay, (float) momentum, (float) (1 - dampening), momentum != 0,
                nesterov, steps == 0);
    }

    @Override
    public void step(MemorySegment params, MemorySegment grad, double lr) {
        Optimizer.checkLengths(size(), params, grad);
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and ≥ 0, got " + lr);
        stepVector(params, grad, buffer(MOMENTUM_BUFFER), size(), coefficients(lr));
        steps++;
    }

    /** The fused Vector API update of n elements; {@code buf} is unused (may be null) without momentum. */
    static void stepVector(MemorySegment w, MemorySegment g, MemorySegment buf, long n, Coefficients c) {
        VectorSpecies<Float> s = Species.FLOAT;
        ByteOrder order = ByteOrder.nativeOrder();
        FloatVector minusLr = FloatVector.broadcast(s, c.minusLr()), wd = FloatVector.broadcast(s, c.weightDecay());
        FloatVector mu = FloatVector.broadcast(s, c.momentum()), keep = FloatVector.broadcast(s, c.oneMinusDampening());
        long bound = s.loopBound(n);
        long stride = (long) s.length() * Float.BYTES;
        long at = 0;
        for (long end = bound * Float.BYTES; at < end; at += stride) {
            FloatVector wv = FloatVector.fromMemorySegment(s, w, at, order);
            FloatVector d = wd.fma(wv, FloatVector.fromMemorySegment(s, g, at, order));
            if (c.useMomentum()) {
                FloatVector b = c.first() ? d : mu.fma(FloatVector.fromMemorySegment(s, buf, at, order), keep.mul(d));
                b.intoMemorySegment(buf, at, order);
                d = c.nesterov() ? mu.fma(b, d) : b;
            }
            minusLr.fma(d, wv).intoMemorySegment(w, at, order);
        }
        stepScalar(w, g, buf, bound, n, c);
    }

    /** The scalar twin of {@link #stepVector} over elements [from, to). */
    static void stepScalar(MemorySegment w, MemorySegment g, MemorySegment buf, long from, long to, Coefficients c) {
        for (long i = from; i < to; i++) {
            long at = i * Float.BYTES;
            float wi = w.get(FLOAT, at);
            float d = Math.fma(c.weightDecay(), wi, g.get(FLOAT, at));
            if (c.useMomentum()) {
                float b = c.first() ? d : Math.fma(c.momentum(), buf.get(FLOAT, at), c.oneMinusDampening() * d);
                buf.set(FLOAT, at, b);
                d = c.nesterov() ? Math.fma(c.momentum(), b, d) : b;
            }
            w.set(FLOAT, at, Math.fma(c.minusLr(), d, wi));
        }
    }
}
