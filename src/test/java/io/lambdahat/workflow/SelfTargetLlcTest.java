package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.Mlp;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.sampling.Aoyagi;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.trajectory.ModelTargets;
import io.lambdahat.trajectory.Targets;
import io.lambdahat.torchscript.TorchScriptFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * λ̂ with the checkpoint's own outputs as targets ({@link Targets#MODEL}) against Aoyagi's λ for the rank of the map the
 * weights compute. The DLNs [4,3,4] and [6,6,6] (the demo's) learn from Gaussian inputs a teacher
 * T = Σ_{i≤3} s_i u_i v_iᵀ (s = 5, 2.5, 1.25; u, v orthonormal); w* is T truncated to its top k modes, factorised as a run from a small initialisation leaves it
 * (hidden unit i carries mode i with √s_i in and out; the unlearned units are 0). For k &lt; 3 that w* is a saddle of the
 * data loss: with the data's targets the chains run downhill (flagged not a local minimum), with its own outputs as
 * targets it is a minimum and λ̂ measures the rank-k map. At k = 3 both targets give the same λ̂.
 */
class SelfTargetLlcTest {
    static final int[] WIDTHS = {4, 3, 4};
    static final double[] S = {5, 2.5, 1.25};

    /** Column i of the orthonormal d×d DCT-II matrix. */
    static double[] dct(int d, int i) {
        double[] c = new double[d];
        for (int r = 0; r < d; r++) c[r] = Math.sqrt((i == 0 ? 1.0 : 2.0) / d) * Math.cos(Math.PI * (r + 0.5) * i / d);
        return c;
    }

    static double[] u(int d, int i) {
        return dct(d, i);
    }

    static double[] v(int d, int i) {
        return dct(d, d - 1 - i);
    }

    /** w* of the rank-k truncation of T: W1 [h,d] row i = √s_i v_iᵀ, W2 [d,h] column i = √s_i u_i (i &lt; k), else 0. */
    static Tensor truncated(DeepLinearNetwork model, int k) {
        int d = model.widths()[0], h = model.widths()[1];
        float[] w1 = new float[h * d], w2 = new float[d * h];
        for (int i = 0; i < k; i++) {
            double r = Math.sqrt(S[i]);
            for (int j = 0; j < d; j++) {
                w1[i * d + j] = (float) (r * v(d, i)[j]);
                w2[j * h + i] = (float) (r * u(d, i)[j]);
            }
        }
        try (Scope s = Scope.open()) {
            Map<String, Tensor> layers = Map.of(DeepLinearNetwork.weightName(0), Tensor.of(w1, h, d), DeepLinearNetwork.weightName(1), Tensor.of(w2, d, h));
            return s.release(model.layout().flatten(layers, DType.FLOAT32));
        }
    }

    /** The rank-k truncation of T, [d, d]. */
    static float[] map(int d, int k) {
        float[] t = new float[d * d];
        for (int i = 0; i < k; i++) for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) t[a * d + b] += (float) (S[i] * u(d, i)[a] * v(d, i)[b]);
        return t;
    }

    /** n Gaussian inputs in R^d labelled by the rank-3 teacher T. */
    static Dataset data(int d, long n, long seed) {
        try (Scope s = Scope.open(); Generator g = new Generator(seed)) {
            Tensor x = Tensor.randn(g, DType.FLOAT32, Device.CPU, n, d);
            Tensor y = x.matmul(Tensor.of(map(d, 3), d, d).transpose(0, 1));
            return new Dataset(s.release(x), s.release(y.contiguous()));
        }
    }

    static LlcResult estimate(DeepLinearNetwork model, Dataset data, Tensor wStar, Targets targets) {
        return LlcEstimate.at(model, data, wStar, LlcEstimate.Settings.defaultsFor(model).withTargets(targets)).result();
    }

    @ParameterizedTest(name = "DLN [{0},{1},{0}], map of rank {2} (teacher rank 3), n = {3}")
    @CsvSource({"4,3,1,1000", "4,3,2,1000", "4,3,3,1000", "4,3,1,10000", "4,3,2,10000", "4,3,3,10000",
            "6,6,1,1000", "6,6,2,1000", "6,6,3,1000", "6,6,1,10000", "6,6,2,10000", "6,6,3,10000"})
    void modelTargetsGiveAoyagisLambdaOfTheMapsRank(int d, int h, int k, long n) {
        int[] widths = {d, h, d};
        DeepLinearNetwork model = new DeepLinearNetwork(widths);
        double lambda = Aoyagi.learningCoefficient(widths, k);
        try (Dataset data = data(d, n, 11); Tensor wStar = truncated(model, k)) {
            LlcResult own = estimate(model, data, wStar, Targets.MODEL);
            LlcResult ofData = estimate(model, data, wStar, Targets.DATA);
            System.out.printf("DLN %s rank %d, n = %d: targets model λ̂ = %.3f ± %.3f, data λ̂ = %.3f ± %.3f (not local minimum: %s); Aoyagi λ = %.1f%n",
                    java.util.Arrays.toString(widths), k, n, own.llcMean(), own.llcStderr(), ofData.llcMean(), ofData.llcStderr(), ofData.diagnostics().notLocalMinimum(), lambda);
            assertEquals(lambda, own.llcMean(), 0.2 * lambda, "targets from the model");
            assertFalse(own.diagnostics().notLocalMinimum(), "every checkpoint is a minimum of its own loss");
            assertEquals(0, own.diagnostics().stuckChains());
            assertEquals(0.0, own.initLoss(), 1e-12, "the loss against its own outputs at w*");
            if (k < 3) { // T has rank 3: w* is a saddle of the data loss
                assertTrue(ofData.diagnostics().notLocalMinimum(), "a saddle of the data loss");
                assertTrue(ofData.llcMean() < 0, "the chains ran downhill");
            } else {
                assertFalse(ofData.diagnostics().notLocalMinimum());
                assertEquals(lambda, ofData.llcMean(), 0.2 * lambda, "targets from the data at the teacher");
                assertEquals(ofData.llcMean(), own.llcMean(), 0.02 * lambda, "where the model fits the data, both targets agree");
            }
        }
    }

    @Test
    void theOutputsAreTheTargetsAndTheDataLossIsKept() {
        DeepLinearNetwork model = new DeepLinearNetwork(WIDTHS);
        try (Dataset data = data(4, 5000, 3); Tensor wStar = truncated(model, 1); ModelTargets own = ModelTargets.at(model, data, wStar);
             Scope s = Scope.open()) {
            // the rank-1 map T₁ = s₁u₁v₁ᵀ: ŷ = x T₁ᵀ, and the data loss is the unlearned modes' (s₂² + s₃²)/4 per output on N(0, I)
            Tensor expected = data.x().matmul(Tensor.of(map(4, 1), 4, 4).transpose(0, 1));
            assertEquals(0.0, own.data().y().sub(expected).square().mean().item(), 1e-10, "ŷ = f_{w*}(x)");
            assertEquals(5000, own.data().size());
            double truth = (S[1] * S[1] + S[2] * S[2]) / 4;
            assertEquals(truth, own.dataLoss(), 0.05 * truth, "L_n(w*) on the data's targets");
            double exact = data.y().sub(expected).square().mean(false, 0, 1).item();
            assertEquals(exact, own.dataLoss(), 1e-5 * exact, "the full-data MSE");
        }
    }

    @Test
    void aClassifierIsRefusedByName() {
        Mlp classifier = new Mlp(Mlp.Activation.RELU, Mlp.Objective.CROSS_ENTROPY, 4, 8, 3);
        try (Scope s = Scope.open(); Generator g = new Generator(1);
             Dataset data = new Dataset(s.release(Tensor.randn(g, DType.FLOAT32, Device.CPU, 20, 4)), s.release(Tensor.randint(g, 0, 3, Device.CPU, 20)))) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelTargets.check(classifier, data));
            assertTrue(e.getMessage().contains("regression model scored by the mean squared error") && e.getMessage().contains("integer classes"),
                    e.getMessage());
        }
    }

    @Test
    void aTorchScriptModuleScoredByMseTakesItsOutputsAndOneWithItsOwnLossIsRefused() {
        DeepLinearNetwork builtIn = new DeepLinearNetwork(WIDTHS);
        try (TorchScriptModel scripted = TorchScriptModel.load(TorchScriptFixtures.file("dln_4_3_4.pt"), ScriptModule.Loss.MSE, Device.CPU);
             TorchScriptModel ownLoss = TorchScriptModel.load(TorchScriptFixtures.file("dln_4_3_4_module_loss.pt"), ScriptModule.Loss.MODULE, Device.CPU);
             TorchScriptModel classifier = TorchScriptModel.load(TorchScriptFixtures.file("dln_4_3_4.pt"), ScriptModule.Loss.CROSS_ENTROPY, Device.CPU);
             Dataset data = data(4, 300, 5); Tensor wStar = truncated(builtIn, 2);
             ModelTargets a = ModelTargets.at(builtIn, data, wStar); ModelTargets b = ModelTargets.at(scripted, data, wStar)) {
            assertEquals(0.0, a.data().y().sub(b.data().y()).square().mean().item(), 1e-10, "the scripted twin's outputs are the built-in's");
            assertEquals(a.dataLoss(), b.dataLoss(), 1e-5 * a.dataLoss());
            InvalidInputException module = assertThrows(InvalidInputException.class, () -> ModelTargets.check(ownLoss, data));
            assertTrue(module.getMessage().contains("computes its own loss (--loss module)"), module.getMessage());
            InvalidInputException ce = assertThrows(InvalidInputException.class, () -> ModelTargets.check(classifier, data));
            assertTrue(ce.getMessage().contains("scored by cross-entropy"), ce.getMessage());
        }
    }
}
