package io.lambdahat.tasks;

import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import io.lambdahat.data.Dataset;

/**
 * Sequences on which a small attention-only transformer shows the induction bump (docs/SCIENCE.md §4). A fixed
 * random bigram chain, each row of its transition matrix drawn from Dirichlet(0.5), generates the tokens; with
 * probability 0.5 a sequence is then made periodic with a random period p in [8, 16], x_t = x_{t mod p}, so the
 * repeats are predictable only by copying from context (induction), not from bigram statistics. The first token is
 * uniform over the vocabulary.
 *
 * <p>A sequence has T + 1 tokens (T = context); inputs are its first T tokens and targets its last T, so
 * position t predicts token t + 1. Everything is drawn from seeds: the chain from the task's seed, sequences
 * from the seed given to {@link #sample}. The held-out set has its own seed, derived from the task's, so it is
 * the same however many training batches were drawn.
 */
public final class InductionTask {
    /** Concentration of the Dirichlet that draws each row of the transition matrix. */
    public static final double DIRICHLET_ALPHA = 0.5;

    private final int vocab;
    private final int context;
    private final double periodicProbability;
    private final int minPeriod;
    private final int maxPeriod;
    private final double[][] transition;
    private final double[][] cumulative;
    private final long heldOutSeed;

    /**
     * The standard task: periodic with probability 0.5, periods 8 to 16.
     *
     * @param vocab V, the number of token ids, at least 2
     * @param context T, the tokens the model sees, at least 16 (the longest period)
     * @param seed seed of the bigram chain and of the held-out set
     * @throws IllegalArgumentException if V &lt; 2 or T &lt; 16
     */
    public InductionTask(int vocab, int context, long seed) {
        this(vocab, context, 0.5, 8, 16, seed);
    }

    /**
     * A task with its own mix of periodic sequences.
     *
     * @param vocab V, the number of token ids, at least 2
     * @param context T, the tokens the model sees, at least 1
     * @param periodicProbability probability that a sequence is made periodic, in [0, 1]
     * @param minPeriod shortest period, at least 1
     * @param maxPeriod longest period, from {@code minPeriod} to T
     * @param seed seed of the bigram chain and of the held-out set
     * @throws IllegalArgumentException if V &lt; 2, T &lt; 1, the probability lies outside [0, 1] or the periods do
     *     not satisfy 1 ≤ min ≤ max ≤ T
     */
    public InductionTask(int vocab, int context, double periodicProbability, int minPeriod, int maxPeriod, long seed) {
        if (vocab < 2) throw new IllegalArgumentException("the vocabulary needs at least 2 tokens, got " + vocab);
        if (context < 1) throw new IllegalArgumentException("the context must be at least 1 token, got " + context);
        if (!(periodicProbability >= 0 && periodicProbability <= 1)) {
            throw new IllegalArgumentException("the probability of a periodic sequence must be in [0, 1], got " + periodicProbability);
        }
        if (minPeriod < 1 || maxPeriod < minPeriod || maxPeriod > context) {
            throw new IllegalArgumentException("periods must satisfy 1 ≤ min ≤ max ≤ context (" + context + "), got "
                    + minPeriod + ".." + maxPeriod);
        }
        this.vocab = vocab;
        this.context = context;
        this.periodicProbability = periodicProbability;
        this.minPeriod = minPeriod;
        this.maxPeriod = maxPeriod;
        SplittableRandom rng = new SplittableRandom(seed);
        this.transition = new double[vocab][];
        this.cumulative = new double[vocab][];
        for (int i = 0; i < vocab; i++) {
            transition[i] = dirichlet(DIRICHLET_ALPHA, vocab, rng);
            cumulative[i] = new double[vocab];
            double acc = 0;
            for (int j = 0; j < vocab; j++) cumulative[i][j] = acc += transition[i][j];
        }
        this.heldOutSeed = rng.nextLong();
    }

    /**
     * Vocabulary 32, context 32: the configuration measured on 2 CPU cores.
     *
     * @param seed seed of the bigram chain and of the held-out set
     * @return the task
     */
    public static InductionTask standard(long seed) {
        return new InductionTask(32, 32, seed);
    }

    /** {@return V, the number of token ids} */
    public int vocab() {
        return vocab;
    }

    /** {@return T, the number of input tokens per sequence} */
    public int context() {
        return context;
    }

    /** {@return the probability that a sequence is made periodic} */
    public double periodicProbability() {
        return periodicProbability;
    }

    /** {@return the shortest period} */
    public int minPeriod() {
        return minPeriod;
    }

    /** {@return the longest period} */
    public int maxPeriod() {
        return maxPeriod;
    }

    /**
     * The bigram chain's transition matrix.
     *
     * @return a copy of P [V][V], P[i][j] = Pr(next = j | current = i)
     */
    public double[][] transitionMatrix() {
        double[][] copy = new double[vocab][];
        for (int i = 0; i < vocab; i++) copy[i] = transition[i].clone();
        return copy;
    }

    /**
     * The chain's stationary distribution π = π P (by power iteration).
     *
     * @return π [V]
     */
    public double[] stationaryDistribution() {
        double[] pi = new double[vocab];
        Arrays.fill(pi, 1.0 / vocab);
        for (int iter = 0; iter < 100_000; iter++) {
            double[] next = new double[vocab];
            for (int i = 0; i < vocab; i++) for (int j = 0; j < vocab; j++) next[j] += pi[i] * transition[i][j];
            double change = 0;
            for (int j = 0; j < vocab; j++) change += Math.abs(next[j] - pi[j]);
            pi = next;
            if (change < 1e-15) break;
        }
        return pi;
    }

    /**
     * The entropy rate −Σ_i π_i Σ_j P_ij ln P_ij in nats: the loss of the exact bigram predictor on long aperiodic
     * sequences, the floor of the plateau before induction heads form.
     *
     * @return the entropy rate in nats
     */
    public double entropyRate() {
        double[] pi = stationaryDistribution();
        double h = 0;
        for (int i = 0; i < vocab; i++) h += pi[i] * rowEntropy(i);
        return h;
    }

    /**
     * The entropy of the next token given the current one.
     *
     * @param i the current token id, in [0, V)
     * @return −Σ_j P_ij ln P_ij in nats
     */
    public double rowEntropy(int i) {
        double h = 0;
        for (double p : transition[i]) if (p > 0) h -= p * Math.log(p);
        return h;
    }

    /**
     * n sequences of T + 1 tokens, row-major, with the period of each (0 for a plain bigram sequence).
     *
     * @param tokens token ids, row-major [n · (T + 1)]
     * @param periods the period p of each sequence, 0 if it is a plain bigram sequence [n]
     * @param count n, the number of sequences
     * @param length T + 1, the tokens per sequence
     */
    public record Sequences(long[] tokens, int[] periods, int count, int length) {
        /**
         * The tokens as a tensor.
         *
         * @param device where the tensor lives
         * @return int64 [n, T + 1], owned by the caller's scope
         */
        public Tensor toTensor(Device device) {
            return Tensor.of(tokens, device, count, length);
        }

        /**
         * Inputs and targets as a dataset.
         *
         * @param device where the dataset's tensors live
         * @return x [n, T] and y [n, T] int64 token ids; the caller closes it
         */
        public Dataset toDataset(Device device) {
            try (Scope s = Scope.open()) {
                Tensor[] xy = split(toTensor(device));
                return new Dataset(s.keep(xy[0].contiguous()), s.keep(xy[1].contiguous()));
            }
        }

        /**
         * 1.0 at the positions whose target repeats an earlier token of a periodic sequence (position t of a
         * sequence with period p, when t + 1 ≥ p), else 0.0. Only induction predicts these.
         *
         * @param device where the mask lives
         * @return the mask, float32 [n, T], owned by the caller's scope
         */
        public Tensor repeatMask(Device device) {
            int t = length - 1;
            float[] m = new float[count * t];
            for (int s = 0; s < count; s++) {
                int p = periods[s];
                if (p == 0) continue;
                for (int pos = p - 1; pos < t; pos++) m[s * t + pos] = 1f;
            }
            return Tensor.of(m, device, count, t);
        }

        /**
         * Where an induction head attends: 1.0 at (query t, key t − p + 1) for the positions t in [p, 2p) of a
         * sequence with period p, else 0.0. Query t holds the second occurrence of the token first seen at t − p;
         * key t − p + 1 is the position after that first occurrence, whose token is the one to predict (the
         * repeated-sequence measure of Olsson et al. 2022, with the period's first repeat as the repeated half).
         *
         * @param device where the mask lives
         * @return the mask, float32 [n, T, T] (query, key), owned by the caller's scope
         */
        public Tensor inductionMask(Device device) {
            int t = length - 1;
            float[] m = new float[Math.multiplyExact(count, t * t)];
            for (int s = 0; s < count; s++) {
                int p = periods[s];
                if (p == 0) continue;
                for (int q = p; q < Math.min(2 * p, t); q++) m[s * t * t + q * t + q - p + 1] = 1f;
            }
            return Tensor.of(m, device, count, t, t);
        }
    }

    /**
     * Where a previous-token head attends: 1.0 at (query t, key t − 1) for t ≥ 1, else 0.0.
     *
     * @param t T, the positions
     * @param device where the mask lives
     * @return the mask, float32 [T, T] (query, key), owned by the caller's scope
     * @throws IllegalArgumentException if T &lt; 2
     */
    public static Tensor previousTokenMask(int t, Device device) {
        if (t < 2) throw new IllegalArgumentException("a previous token needs at least 2 positions, got " + t);
        float[] m = new float[t * t];
        for (int q = 1; q < t; q++) m[q * t + q - 1] = 1f;
        return Tensor.of(m, device, t, t);
    }

    /**
     * Each head's attention weight summed over the (query, key) pairs a mask marks, over the batch: the numerator
     * of {@link #attentionScore}, for callers that add it up over chunks.
     *
     * @param pattern attention patterns [C, B, H, T, T] ({@code Transformer.Forward#patterns})
     * @param mask 1.0 at the marked pairs: [T, T] for every sequence alike, or [B, T, T]
     * @return the sums [C, H], owned by the caller's scope
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public static Tensor attentionOnMask(Tensor pattern, Tensor mask) {
        if (pattern.dim() != 5 || pattern.size(3) != pattern.size(4)) {
            throw new IllegalArgumentException("attention patterns must be [C, B, H, T, T], got " + Arrays.toString(pattern.shape()));
        }
        long b = pattern.size(1), t = pattern.size(3);
        boolean fits = mask.dim() == 2 ? mask.size(0) == t && mask.size(1) == t
                : mask.dim() == 3 && mask.size(0) == b && mask.size(1) == t && mask.size(2) == t;
        if (!fits) {
            throw new IllegalArgumentException("a mask for patterns " + Arrays.toString(pattern.shape()) + " must be [T, T] or [B, T, T], got "
                    + Arrays.toString(mask.shape()));
        }
        Tensor perSequence = mask.dim() == 2 ? mask.unsqueeze(0) : mask;          // [B or 1, T, T]
        return pattern.mul(perSequence.unsqueeze(1).to(pattern.dtype())).sum(false, 1, 3, 4);
    }

    /**
     * Each head's mean attention weight on the pairs a mask marks: with {@link #previousTokenMask} the
     * previous-token score (1 for a head that always attends to t − 1), with {@link Sequences#inductionMask} the
     * induction score. NaN where the mask marks nothing.
     *
     * @param pattern attention patterns [C, B, H, T, T]
     * @param mask 1.0 at the marked pairs: [T, T] for every sequence alike, or [B, T, T]
     * @return the scores [C, H], owned by the caller's scope
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public static Tensor attentionScore(Tensor pattern, Tensor mask) {
        Tensor onMask = attentionOnMask(pattern, mask);
        double marked = mask.sum().item() * (mask.dim() == 2 ? pattern.size(1) : 1);
        return onMask.div(marked);
    }

    /**
     * n fresh sequences.
     *
     * @param n number of sequences, positive
     * @param rng the random source; it advances
     * @return the sequences
     * @throws IllegalArgumentException if n is not positive
     */
    public Sequences sample(int n, RandomGenerator rng) {
        if (n <= 0) throw new IllegalArgumentException("the number of sequences must be positive, got " + n);
        int len = context + 1;
        long[] tokens = new long[Math.multiplyExact(n, len)];
        int[] periods = new int[n];
        for (int s = 0; s < n; s++) {
            int off = s * len;
            int prev = rng.nextInt(vocab);
            tokens[off] = prev;
            for (int t = 1; t < len; t++) {
                prev = next(prev, rng);
                tokens[off + t] = prev;
            }
            if (rng.nextDouble() < periodicProbability) {
                int p = minPeriod + rng.nextInt(maxPeriod - minPeriod + 1);
                periods[s] = p;
                for (int t = p; t < len; t++) tokens[off + t] = tokens[off + t % p];
            }
        }
        return new Sequences(tokens, periods, n, len);
    }

    /**
     * n sequences drawn from their own seed.
     *
     * @param n number of sequences, positive
     * @param sampleSeed seed of these draws (the chain itself comes from the task's seed)
     * @return the sequences
     * @throws IllegalArgumentException if n is not positive
     */
    public Sequences sample(int n, long sampleSeed) {
        return sample(n, new SplittableRandom(sampleSeed));
    }

    /**
     * The held-out sequences: the same for a given task seed and n, independent of any training draws.
     *
     * @param n number of sequences, positive
     * @return the sequences
     * @throws IllegalArgumentException if n is not positive
     */
    public Sequences heldOut(int n) {
        return sample(n, heldOutSeed);
    }

    /**
     * Inputs and targets of n sequences drawn from {@code sampleSeed}.
     *
     * @param n number of sequences, positive
     * @param sampleSeed seed of the draws
     * @return the dataset on the CPU, x and y int64 [n, T]; the caller closes it
     * @throws IllegalArgumentException if n is not positive
     */
    public Dataset dataset(int n, long sampleSeed) {
        return sample(n, sampleSeed).toDataset(Device.CPU);
    }

    /**
     * A fresh training minibatch for every chain (online data: no sequence is reused).
     *
     * @param rng the random source; it advances
     * @param chains C, the number of chains
     * @param batch B, the sequences per chain
     * @param device where the result lives
     * @return {x [C, B, T], y [C, B, T]} int64, owned by the caller's scope
     * @throws IllegalArgumentException if C or B is not positive
     */
    public Tensor[] batch(RandomGenerator rng, int chains, int batch, Device device) {
        if (chains <= 0 || batch <= 0) throw new IllegalArgumentException("chains and batch must be positive, got " + chains + " and " + batch);
        Tensor tokens = sample(Math.multiplyExact(chains, batch), rng).toTensor(device).view(chains, batch, context + 1);
        return split(tokens);
    }

    private int next(int current, RandomGenerator rng) {
        double u = rng.nextDouble();
        double[] c = cumulative[current];
        for (int j = 0; j < vocab - 1; j++) if (u < c[j]) return j;
        return vocab - 1;  // absorbs the rounding of the last cumulative sum below 1
    }

    /**
     * Splits tokens into inputs (all but the last) and targets (all but the first).
     *
     * @param tokens token ids [..., T + 1]
     * @return {inputs [..., T], targets [..., T]}: views of {@code tokens}, owned by the caller's scope
     * @throws IllegalArgumentException if the sequences have fewer than 2 tokens
     */
    public static Tensor[] split(Tensor tokens) {
        int last = tokens.dim() - 1;
        long len = tokens.size(last);
        if (len < 2) throw new IllegalArgumentException("sequences need at least 2 tokens to give a target, got " + len);
        return new Tensor[] {tokens.narrow(last, 0, len - 1), tokens.narrow(last, 1, len - 1)};
    }

    /**
     * The in-context learning score of each chain: the mean loss at late positions minus the mean loss at early
     * positions, over the batch. Early: positions [0, 4), which see too little context for any repeat; late: the
     * last 4 positions, where every periodic sequence is repeating. It drops (more negative) when induction heads
     * form.
     *
     * @param perPositionLoss per-position losses [C, B, T]
     * @return the score of each chain [C], owned by the caller's scope
     * @throws IllegalArgumentException if T &lt; 2 or the losses are not [C, B, T]
     */
    public static Tensor iclScore(Tensor perPositionLoss) {
        long t = perPositionLoss.size(2);
        long k = Math.min(4, t / 2);
        if (k == 0) throw new IllegalArgumentException("the ICL score needs at least 2 positions, got " + t);
        return iclScore(perPositionLoss, 0, (int) k, (int) (t - k), (int) t);
    }

    /**
     * Mean loss over positions [lateFrom, lateTo) minus mean loss over [earlyFrom, earlyTo), over the batch.
     *
     * @param perPositionLoss per-position losses [C, B, T]
     * @param earlyFrom first early position
     * @param earlyTo end of the early positions (exclusive)
     * @param lateFrom first late position
     * @param lateTo end of the late positions (exclusive)
     * @return the score of each chain [C], owned by the caller's scope
     * @throws IllegalArgumentException if the losses are not [C, B, T] or a range is empty or outside [0, T)
     */
    public static Tensor iclScore(Tensor perPositionLoss, int earlyFrom, int earlyTo, int lateFrom, int lateTo) {
        if (perPositionLoss.dim() != 3) {
            throw new IllegalArgumentException("per-position losses must be [C, B, T], got " + Arrays.toString(perPositionLoss.shape()));
        }
        long t = perPositionLoss.size(2);
        if (earlyFrom < 0 || earlyTo <= earlyFrom || lateFrom < 0 || lateTo <= lateFrom || earlyTo > t || lateTo > t) {
            throw new IllegalArgumentException("position ranges [" + earlyFrom + ", " + earlyTo + ") and [" + lateFrom + ", " + lateTo
                    + ") must be non-empty and within the " + t + " positions");
        }
        Tensor late = perPositionLoss.narrow(2, lateFrom, lateTo - lateFrom).mean(false, 1, 2);
        Tensor early = perPositionLoss.narrow(2, earlyFrom, earlyTo - earlyFrom).mean(false, 1, 2);
        return late.sub(early);
    }

    /**
     * Induction accuracy of each chain: the fraction of repeated tokens (where {@code repeatMask} [B, T] is 1)
     * whose arg-max logit is the target. NaN if the mask has no repeats.
     *
     * @param logits next-token logits [C, B, T, V]
     * @param y target token ids [C, B, T]
     * @param repeatMask 1 at repeated positions, else 0 [B, T] (see {@link Sequences#repeatMask})
     * @return the accuracy of each chain in [0, 1] [C], in the mask's dtype, owned by the caller's scope
     */
    public static Tensor inductionAccuracy(Tensor logits, Tensor y, Tensor repeatMask) {
        Tensor correct = logits.argmax(-1, false).eq(y).to(repeatMask.dtype());
        Tensor hits = correct.mul(repeatMask).sum(false, 1, 2);
        return hits.div(repeatMask.sum());
    }

    /**
     * A Dirichlet(α, …, α) draw of dimension k, from normalised Gamma(α) draws.
     *
     * @param alpha α, the concentration, positive and finite
     * @param k the dimension
     * @param rng the random source; it advances
     * @return k non-negative probabilities summing to 1
     * @throws IllegalArgumentException if α is not positive and finite
     */
    public static double[] dirichlet(double alpha, int k, RandomGenerator rng) {
        double[] g = new double[k];
        double sum;
        do {
            sum = 0;
            for (int i = 0; i < k; i++) sum += g[i] = gamma(alpha, rng);
        } while (!(sum > 0));  // all k draws underflowing to 0 is possible only for tiny α; redraw
        for (int i = 0; i < k; i++) g[i] /= sum;
        return g;
    }

    /**
     * A Gamma(shape, 1) draw by Marsaglia and Tsang's squeeze method; for shape &lt; 1 it uses
     * Gamma(shape) = Gamma(shape + 1) · U^{1/shape}.
     *
     * @param shape the shape, positive and finite (scale 1)
     * @param rng the random source; it advances
     * @return the draw, ≥ 0
     * @throws IllegalArgumentException if the shape is not positive and finite
     */
    public static double gamma(double shape, RandomGenerator rng) {
        if (!(shape > 0) || Double.isInfinite(shape)) throw new IllegalArgumentException("the Gamma shape must be positive and finite, got " + shape);
        if (shape < 1) {
            double u = rng.nextDouble();
            return gamma(shape + 1, rng) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x, v;
            do {
                x = rng.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
        }
    }
}
