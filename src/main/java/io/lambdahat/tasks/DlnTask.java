package io.lambdahat.tasks;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import io.lambdahat.data.EpochSampler;
import io.lambdahat.data.Seeds;

/**
 * A deep linear network student learning a teacher map T = U·diag(s)·Vᵀ with chosen, well-separated singular
 * values s₁ > s₂ > … from Gaussian inputs x ~ N(0, I). From a small initialisation gradient descent goes saddle to
 * saddle: mode i is learned at a time ∝ ln(s_i/σ²)/s_i, and between modes the held-out loss rests on the plateau
 * Σ_{j>k} s_j² / d_out (MSE averaged over outputs). The metrics mode_i = u_iᵀ·W_L⋯W_1·v_i show each mode's
 * learned strength rising from 0 to s_i.
 *
 * <p>Options: widths (default 6,6,6), rank (3), singular-values (5·2⁻ⁱ, i = 0 … rank−1), init-scale (standard
 * deviation of the initial weights, 1e-4), n (training samples, 4096), held-out (1024), noise (label noise σ, 0).
 */
public final class DlnTask implements TrainingTask {
    private final DeepLinearNetwork model;
    private final int[] widths;
    private final double[] singularValues;
    private final double initScale;
    private final double noise;
    private final long seed;
    private final Dataset train;
    private final Tensor heldOutX;
    private final Tensor heldOutY;
    private final Tensor u;
    private final Tensor v;
    private final Tensor teacherParameters;
    private final EpochSampler sampler;

    static DlnTask create(TaskOptions o) {
        int[] widths = o.integers("widths", new int[] {6, 6, 6});
        int narrowest = Arrays.stream(widths).min().orElse(0);
        int rank = o.integer("rank", Math.min(3, narrowest));
        if (rank < 1 || rank > narrowest) {
            throw new InvalidInputException("teacher rank must be between 1 and the narrowest width " + narrowest + ", got " + rank);
        }
        double[] fallback = new double[rank];
        for (int i = 0; i < rank; i++) fallback[i] = 5.0 * Math.pow(0.5, i);
        double[] s = o.reals("singular-values", fallback);
        if (s.length != rank) {
            throw new InvalidInputException("give one singular value per rank: " + s.length + " values for rank " + rank);
        }
        for (double x : s) if (!(x > 0) || Double.isInfinite(x)) throw new InvalidInputException("singular values must be positive, got " + Arrays.toString(s));
        double initScale = o.real("init-scale", 1e-4);
        if (!(initScale >= 0) || Double.isInfinite(initScale)) throw new InvalidInputException("init-scale must be ≥ 0, got " + initScale);
        long n = o.longValue("n", 4096);
        long heldOut = o.longValue("held-out", 1024);
        if (n < 1 || heldOut < 1) throw new InvalidInputException("n and held-out must be at least 1, got " + n + " and " + heldOut);
        double noise = o.real("noise", 0);
        if (!(noise >= 0) || Double.isInfinite(noise)) throw new InvalidInputException("label noise must be ≥ 0, got " + noise);
        return new DlnTask(widths, s, initScale, n, heldOut, noise, o.seed(), o.batch());
    }

    private DlnTask(int[] widths, double[] singularValues, double initScale, long n, long heldOut, double noise, long seed, int batch) {
        this.model = new DeepLinearNetwork(widths);
        this.widths = widths.clone();
        this.singularValues = singularValues.clone();
        this.initScale = initScale;
        this.noise = noise;
        this.seed = seed;
        this.sampler = new EpochSampler(n, batch, seed);
        int in = widths[0], out = widths[widths.length - 1], r = singularValues.length;
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.TEACHER));
        double[][] uCols = orthonormalColumns(out, r, rng);
        double[][] vCols = orthonormalColumns(in, r, rng);
        try (Scope scope = Scope.open()) {
            Tensor uT = Tensor.of(columnsToMatrix(uCols, out), out, r);
            Tensor vT = Tensor.of(columnsToMatrix(vCols, in), in, r);
            Tensor teacher = uT.mul(Tensor.of(toFloats(singularValues), 1, r)).matmul(vT.transpose(0, 1));   // [out, in]
            this.u = scope.release(uT);
            this.v = scope.release(vT);
            this.teacherParameters = scope.release(factorised(uCols, vCols));
            Tensor[] trainXY = sample(teacher, n, Seeds.TRAIN_DATA);
            this.train = new Dataset(scope.release(trainXY[0]), scope.release(trainXY[1]));
            Tensor[] testXY = sample(teacher, heldOut, Seeds.HELD_OUT);
            this.heldOutX = scope.release(testXY[0]);
            this.heldOutY = scope.release(testXY[1]);
        }
    }

    /** n Gaussian inputs [n, d_in] and their labels x·Tᵀ (+ noise), in the caller's scope. */
    private Tensor[] sample(Tensor teacher, long n, long purpose) {
        try (Generator g = new Generator(Seeds.derive(seed, purpose))) {
            Tensor x = Tensor.randn(g, DType.FLOAT32, Device.CPU, n, widths[0]);
            Tensor y = x.matmul(teacher.transpose(0, 1)).contiguous();
            if (noise > 0) y = y.add(Tensor.randn(g, DType.FLOAT32, Device.CPU, y.shape()), noise);
            return new Tensor[] {x, y};
        }
    }

    /**
     * A true parameter: W_1 = S^{1/L}·Vᵀ, W_l = S^{1/L} (on the first r coordinates), W_L = U·S^{1/L}, zero elsewhere,
     * so that W_L⋯W_1 = T.
     */
    private Tensor factorised(double[][] uCols, double[][] vCols) {
        int layers = widths.length - 1, r = singularValues.length;
        Map<String, Tensor> params = new HashMap<>();
        for (int l = 0; l < layers; l++) {
            int rows = widths[l + 1], cols = widths[l];
            float[] w = new float[rows * cols];
            for (int i = 0; i < r; i++) {
                double root = Math.pow(singularValues[i], 1.0 / layers);
                if (layers == 1) {
                    for (int a = 0; a < rows; a++) for (int b = 0; b < cols; b++) w[a * cols + b] += (float) (uCols[i][a] * singularValues[i] * vCols[i][b]);
                } else if (l == 0) {
                    for (int b = 0; b < cols; b++) w[i * cols + b] = (float) (root * vCols[i][b]);
                } else if (l == layers - 1) {
                    for (int a = 0; a < rows; a++) w[a * cols + i] = (float) (uCols[i][a] * root);
                } else {
                    w[i * cols + i] = (float) root;
                }
            }
            params.put(DeepLinearNetwork.weightName(l), Tensor.of(w, rows, cols));
        }
        return model.layout().flatten(params, DType.FLOAT32);
    }

    /** k orthonormal vectors of dimension d: Gram–Schmidt (twice, for stability) on Gaussian draws. */
    static double[][] orthonormalColumns(int d, int k, SplittableRandom rng) {
        double[][] q = new double[k][d];
        for (int j = 0; j < k; j++) {
            double[] x = q[j];
            for (int i = 0; i < d; i++) x[i] = rng.nextGaussian();
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) dot += x[i] * q[p][i];
                    for (int i = 0; i < d; i++) x[i] -= dot * q[p][i];
                }
            }
            double norm = 0;
            for (double xi : x) norm += xi * xi;
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) x[i] /= norm;
        }
        return q;
    }

    private static float[] columnsToMatrix(double[][] cols, int rows) {
        float[] m = new float[rows * cols.length];
        for (int a = 0; a < rows; a++) for (int j = 0; j < cols.length; j++) m[a * cols.length + j] = (float) cols[j][a];
        return m;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    @Override
    public ChainModel model() {
        return model;
    }

    @Override
    public Tensor initialParameters(Generator g) {
        try (Scope s = Scope.open()) {
            return s.release(Tensor.randn(g, DType.FLOAT32, Device.CPU, model.layout().size()).mul(initScale));
        }
    }

    @Override
    public Tensor[] batch(long t) {
        return sampler.batch(train, t);
    }

    @Override
    public Evaluation evaluate(Map<String, Tensor> params) {
        try (Scope s = Scope.open()) {
            double loss = model.loss(params, heldOutX.unsqueeze(0), heldOutY.unsqueeze(0)).item();
            Tensor end = null;
            for (int l = 0; l + 1 < widths.length; l++) {
                Tensor w = params.get(DeepLinearNetwork.weightName(l)).squeeze(0);
                end = end == null ? w : w.matmul(end);
            }
            float[] m = u.transpose(0, 1).matmul(end).matmul(v).contiguous().toFloatArray();
            int r = singularValues.length;
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int i = 0; i < r; i++) metrics.put("mode_" + (i + 1), (double) m[i * r + i]);
            return new Evaluation(loss, metrics);
        }
    }

    @Override
    public List<String> metricNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < singularValues.length; i++) names.add("mode_" + (i + 1));
        return names;
    }

    /**
     * The plateau levels of the held-out loss.
     *
     * @return L_k = Σ_{j&gt;k} s_j² / d_out for k = 0 … r (noise not counted)
     */
    public double[] plateauLosses() {
        int r = singularValues.length;
        double[] levels = new double[r + 1];
        for (int k = 0; k <= r; k++) {
            double sum = 0;
            for (int j = k; j < r; j++) sum += singularValues[j] * singularValues[j];
            levels[k] = sum / widths[widths.length - 1];
        }
        return levels;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("widths", widths.clone());
        m.put("rank", singularValues.length);
        m.put("singular_values", singularValues.clone());
        m.put("init_scale", initScale);
        m.put("n", train.size());
        m.put("held_out", heldOutX.size(0));
        m.put("noise", noise);
        m.put("inputs", "N(0, I)");
        return m;
    }

    @Override
    public Dataset trainingSet() {
        return train;
    }

    @Override
    public Tensor trueParameters() {
        return teacherParameters;
    }

    @Override
    public void close() {
        train.close();
        heldOutX.close();
        heldOutY.close();
        u.close();
        v.close();
        teacherParameters.close();
    }
}
