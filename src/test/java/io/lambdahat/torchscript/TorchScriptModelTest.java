package io.lambdahat.torchscript;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.data.Dataset;
import io.lambdahat.tasks.Teachers;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.Mlp;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.lambdahat.torchscript.TorchScriptFixtures.file;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A TorchScript module as a {@link ChainModel}: its layout is the module's state_dict parameters, its per-chain loss
 * equals the built-in twin's on the same weights, its gradient equals finite differences in float64, checkpoints are
 * matched by name, shape and dtype (buffers installed, PyTorch's own loss as the oracle), and bad input is one line.
 */
class TorchScriptModelTest {
    static TorchScriptModel load(String name, ScriptModule.Loss loss) {
        return TorchScriptModel.load(file(name), loss, Device.CPU);
    }

    /** Each chain's loss from both models at the same C different weights. */
    static double[][] bothLosses(ChainModel builtIn, ChainModel scripted, Tensor x, Tensor y, int chains, long seed) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad(); Generator g = new Generator(seed)) {
            Tensor flat = Tensor.randn(g, DType.FLOAT32, Device.CPU, chains, builtIn.layout().size());
            Tensor xs = x.unsqueeze(0).expand(chains, x.size(0), x.size(1)).contiguous();
            Tensor ys = y.dim() == 1 ? y.unsqueeze(0).expand(chains, y.size(0)).contiguous()
                    : y.unsqueeze(0).expand(chains, y.size(0), y.size(1)).contiguous();
            double[] a = builtIn.loss(ChainParameters.viewsOf(builtIn.layout(), flat), xs, ys).to(DType.FLOAT64).toDoubleArray();
            double[] b = scripted.loss(ChainParameters.viewsOf(scripted.layout(), flat), xs, ys).to(DType.FLOAT64).toDoubleArray();
            return new double[][] {a, b};
        }
    }

    @Test
    void theLayoutIsTheModulesStateDictParameters() {
        try (TorchScriptModel m = load("mlp_8_16_3.pt", ScriptModule.Loss.CROSS_ENTROPY)) {
            ParameterLayout builtIn = new Mlp(Mlp.Activation.RELU, Mlp.Objective.CROSS_ENTROPY, 8, 16, 3).layout();
            assertEquals(builtIn.entries().toString(), m.layout().entries().toString());
            assertEquals(builtIn.size(), m.layout().size());
            assertEquals(DType.FLOAT32, m.dtype());
        }
    }

    @Test
    void perChainLossEqualsTheBuiltInModelsOnTheSameWeights() {
        DeepLinearNetwork dln = new DeepLinearNetwork(4, 3, 4);
        try (TorchScriptModel ts = load("dln_4_3_4.pt", ScriptModule.Loss.MSE);
             TorchScriptModel module = load("dln_4_3_4_module_loss.pt", ScriptModule.Loss.MODULE);
             Teachers.Task task = Teachers.dln(dln, 1, Teachers.Options.of(64, 3))) {
            double[][] l = bothLosses(dln, ts, task.data().x(), task.data().y(), 3, 1);
            for (int c = 0; c < 3; c++) assertEquals(l[0][c], l[1][c], 1e-5 * Math.abs(l[0][c]), "chain " + c);
            assertNotEquals(l[0][0], l[0][1]);  // the chains really differ
            // forward(x, y) returning the loss: same numbers, the parameters named model.layers.l.weight
            assertEquals(List.of("model.layers.0.weight", "model.layers.1.weight"), module.module().parameterNames());
            double[][] m = bothLosses(dln, module, task.data().x(), task.data().y(), 3, 1);
            for (int c = 0; c < 3; c++) assertEquals(l[0][c], m[1][c], 1e-5 * Math.abs(l[0][c]), "module loss, chain " + c);
        }
        Mlp mlp = new Mlp(Mlp.Activation.RELU, Mlp.Objective.CROSS_ENTROPY, 8, 16, 3);
        try (TorchScriptModel ts = load("mlp_8_16_3.pt", ScriptModule.Loss.CROSS_ENTROPY); Scope s = Scope.open(); Generator g = new Generator(5)) {
            Tensor x = Tensor.randn(g, DType.FLOAT32, Device.CPU, 50, 8);
            Tensor y = Tensor.randint(g, 0, 3, Device.CPU, 50);
            double[][] l = bothLosses(mlp, ts, x, y, 4, 2);
            for (int c = 0; c < 4; c++) assertEquals(l[0][c], l[1][c], 1e-5 * Math.abs(l[0][c]), "MLP chain " + c);
        }
    }

    @Test
    void gradientsAgreeWithFiniteDifferencesInFloat64() {
        try (TorchScriptModel m = load("mlp_tanh_3_5_2_f64.pt", ScriptModule.Loss.MSE); Scope s = Scope.open(); Generator g = new Generator(11)) {
            assertEquals(DType.FLOAT64, m.dtype());
            int chains = 3;
            long p = m.layout().size();
            Tensor x = Tensor.randn(g, DType.FLOAT64, Device.CPU, chains, 20, 3);
            Tensor y = Tensor.randn(g, DType.FLOAT64, Device.CPU, chains, 20, 2);
            Tensor w0 = Tensor.randn(g, DType.FLOAT64, Device.CPU, chains, p);
            ChainParameters params = ChainParameters.replicate(m.layout(), Tensor.zeros(DType.FLOAT64, Device.CPU, p), chains);
            try (var ng = Torch.noGrad()) {
                params.flat().copyFrom(w0);
            }
            m.loss(params.views(), x, y).sum().backward();
            double[] grad = params.flat().grad().toDoubleArray();
            double[] w = w0.toDoubleArray();
            double h = 1e-6;
            Generator dirs = new Generator(12);
            for (int c = 0; c < chains; c++) {
                for (ParameterLayout.Entry e : m.layout().entries()) {
                    double[] dir = Tensor.randn(dirs, DType.FLOAT64, Device.CPU, e.size()).toDoubleArray();
                    double projected = 0;
                    double[] plus = w.clone(), minus = w.clone();
                    for (int i = 0; i < dir.length; i++) {
                        int at = (int) (c * p + e.offset() + i);
                        plus[at] += h * dir[i];
                        minus[at] -= h * dir[i];
                        projected += grad[at] * dir[i];
                    }
                    double fd = (lossAt(m, plus, chains, x, y)[c] - lossAt(m, minus, chains, x, y)[c]) / (2 * h);
                    assertEquals(fd, projected, 1e-7 + 1e-6 * Math.abs(fd), "chain " + c + ", d loss / d " + e.name());
                }
            }
            dirs.close();
            params.close();
        }
    }

    /**
     * The loss and the outputs belong to the caller's scope, as {@link ChainModel} promises: closing the scope frees
     * them and the autograd graph the loss holds (every chain's saved activations), so repeated steps leave no tensor
     * behind. The numbers are those of the built-in twin, loss and gradient, on every repetition.
     */
    @Test
    void lossAndOutputsBelongToTheCallersScopeAndRepeatedStepsGiveTheBuiltInsNumbers() {
        Mlp mlp = new Mlp(Mlp.Activation.RELU, Mlp.Objective.CROSS_ENTROPY, 8, 16, 3);
        int chains = 3;
        try (TorchScriptModel ts = load("mlp_8_16_3.pt", ScriptModule.Loss.CROSS_ENTROPY); Scope outer = Scope.open();
             Generator g = new Generator(21)) {
            Tensor x = Tensor.randn(g, DType.FLOAT32, Device.CPU, chains, 40, 8);
            Tensor y = Tensor.randint(g, 0, 3, Device.CPU, chains, 40);
            Tensor w0 = Tensor.randn(g, DType.FLOAT32, Device.CPU, chains, mlp.layout().size());
            double[][] builtIn = lossAndGradient(mlp, w0, x, y);
            long before = Torch.liveTensors();
            for (int step = 0; step < 3; step++) {
                Tensor loss, outputs;
                double[][] scripted;
                try (Scope s = Scope.open()) {
                    scripted = lossAndGradient(ts, w0, x, y);
                    loss = ts.loss(ChainParameters.viewsOf(ts.layout(), w0), x, y);
                    outputs = ts.outputs(ChainParameters.viewsOf(ts.layout(), w0), x);
                    assertArrayEquals(new long[] {chains, 40, 3}, outputs.shape());
                }
                assertTrue(loss.isClosed(), "the loss is closed with the caller's scope");
                assertTrue(outputs.isClosed(), "the outputs are closed with the caller's scope");
                assertEquals(before, Torch.liveTensors(), "step " + step + " left tensors behind");
                for (int c = 0; c < chains; c++) assertEquals(builtIn[0][c], scripted[0][c], 1e-6 * Math.abs(builtIn[0][c]), "loss, chain " + c);
                for (int i = 0; i < builtIn[1].length; i++) assertEquals(builtIn[1][i], scripted[1][i], 1e-6, "gradient " + i);
            }
        }
    }

    /** Each chain's loss [C] and the gradient of their sum at w [C, P], through the model's own views of a leaf. */
    private static double[][] lossAndGradient(ChainModel m, Tensor w, Tensor x, Tensor y) {
        try (Scope s = Scope.open(); ChainParameters p = ChainParameters.replicate(m.layout(), Tensor.zeros(DType.FLOAT32, Device.CPU, w.size(1)), (int) w.size(0))) {
            try (var ng = Torch.noGrad()) {
                p.flat().copyFrom(w);
            }
            Tensor loss = m.loss(p.views(), x, y);
            loss.sum().backward();
            return new double[][] {loss.to(DType.FLOAT64).toDoubleArray(), p.flat().grad().to(DType.FLOAT64).toDoubleArray()};
        }
    }

    private static double[] lossAt(TorchScriptModel m, double[] w, int chains, Tensor x, Tensor y) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            Tensor flat = Tensor.of(w, chains, m.layout().size());
            return m.loss(ChainParameters.viewsOf(m.layout(), flat), x, y).toDoubleArray();
        }
    }

    @Test
    void aStateDictCheckpointInstallsItsBuffersAndGivesPyTorchsLoss() throws Exception {
        var oracle = new ObjectMapper().readTree(file("normed_loss.json").toFile());
        List<String> notes = new ArrayList<>();
        try (TorchScriptModel m = load("normed.pt", ScriptModule.Loss.CROSS_ENTROPY).notes(notes::add);
             SafeTensorsFile data = SafeTensorsFile.open(file("normed_data.safetensors")); Scope s = Scope.open()) {
            assertEquals(List.of("fc.weight", "fc.bias", "bn.weight", "bn.bias", "out.weight", "out.bias"), m.module().parameterNames());
            assertEquals(List.of("bn.running_mean", "bn.running_var", "bn.num_batches_tracked"), m.module().bufferNames());
            Tensor x = data.load("x"), y = data.load("y");
            double fresh = lossAt(m, m.weights(), x, y);
            Tensor w = m.loadWeights(file("normed_state.safetensors"));
            assertEquals(oracle.get("loss").asDouble(), lossAt(m, w, x, y), 1e-6);
            assertNotEquals(oracle.get("loss").asDouble(), fresh, 1e-3);  // the file's own weights and buffers differ
            assertTrue(notes.isEmpty());
            Tensor half = m.loadWeights(file("normed_state_f16.safetensors"));
            assertEquals(oracle.get("loss_f16").asDouble(), lossAt(m, half, x, y), 1e-6);
            assertEquals(List.of("normed_state_f16.safetensors holds float16 weights; upcast to float32 for sampling"), notes);
        }
    }

    private static double lossAt(TorchScriptModel m, Tensor w, Tensor x, Tensor y) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            ChainParameters one = ChainParameters.replicate(m.layout(), w, 1);
            double v = m.loss(one.views(), x.unsqueeze(0), y.unsqueeze(0)).item();
            one.close();
            return v;
        }
    }

    @Test
    void everyMismatchOfACheckpointIsListedByName() {
        try (TorchScriptModel m = load("normed.pt", ScriptModule.Loss.CROSS_ENTROPY)) {
            Path bad = file("normed_state_bad.safetensors");
            var e = assertThrows(IllegalArgumentException.class, () -> m.loadWeights(bad));
            assertEquals(bad + " does not fit normed.pt: unexpected tensor extra.weight [2]; fc.weight is [5, 4], the module needs [6, 4]; "
                    + "missing out.bias [3]; bn.num_batches_tracked is float32, the module needs int64", e.getMessage());
        }
    }

    @Test
    void badModulesAndDataAreOneLineNamingTheFileTensorAndShapes() {
        Path notTs = file("not_torchscript.pt");
        var e = assertThrows(IllegalArgumentException.class, () -> TorchScriptModel.load(notTs, ScriptModule.Loss.MSE, Device.CPU));
        assertTrue(e.getMessage().startsWith(notTs + " is not a TorchScript module (torch.jit.save writes one): "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        try (Scope s = Scope.open(); Generator g = new Generator(1)) {
            Tensor x5 = Tensor.randn(g, DType.FLOAT32, Device.CPU, 16, 5);
            Tensor x4 = Tensor.randn(g, DType.FLOAT32, Device.CPU, 16, 4);
            Tensor y4 = Tensor.randn(g, DType.FLOAT32, Device.CPU, 16, 4);
            Tensor y3 = Tensor.randn(g, DType.FLOAT32, Device.CPU, 16, 3);
            try (TorchScriptModel m = load("checked.pt", ScriptModule.Loss.MSE)) {
                var raised = assertThrows(IllegalArgumentException.class, () -> m.validate(m.weights(), x5, y4));
                assertEquals(file("checked.pt") + ": forward failed on x [8, 5] float32: builtins.ValueError: expected 4 input features",
                        raised.getMessage());
                var shape = assertThrows(IllegalArgumentException.class, () -> m.validate(m.weights(), x4, y3));
                assertEquals(file("checked.pt") + ": outputs [8, 4] and targets y [8, 3] differ in shape (mse compares them element by element)",
                        shape.getMessage());
                m.validate(m.weights(), x4, y4);
            }
            try (TorchScriptModel m = load("dln_4_3_4.pt", ScriptModule.Loss.CROSS_ENTROPY)) {
                var ce = assertThrows(IllegalArgumentException.class, () -> m.validate(m.weights(), x4, y4));
                assertEquals(file("dln_4_3_4.pt") + ": cross-entropy needs integer class targets; y is  [8, 4] float32 (use --loss mse)", ce.getMessage());
            }
            try (TorchScriptModel m = load("nan_out.pt", ScriptModule.Loss.MSE)) {
                var nan = assertThrows(IllegalArgumentException.class, () -> m.validate(m.weights(), x4, y4));
                assertEquals(file("nan_out.pt") + ": the loss at w* is NaN on x [1, 8, 4] (NaN or infinite outputs; check the checkpoint and the data)",
                        nan.getMessage());
            }
        }
    }
}
