package io.lambdahat.torchscript;

import io.lambdahat.cli.CliTest;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.nn.Transformer;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import io.lambdahat.train.Trainer;
import io.lambdahat.tasks.TrainingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The induction transformer written as a plain PyTorch module (examples/python/train_induction.py) and scripted, with
 * the weights of lambdahat's built-in transformer after a short training run converted to it
 * (examples/python/from_lambdahat.py): the same loss at w* on the run's training set (to 1e-5), and the same λ̂
 * within two standard errors on the same data, seed and settings. The built-in model is the oracle.
 */
class TransformerParityTest {
    private static final Path CONVERTER = Path.of("examples/python/from_lambdahat.py");

    /** The cheap induction setting of the README (batch 32, nβ 100, ε 1e-4, γ 100), with 4 chains. */
    static SamplerConfig settings() {
        return SamplerConfig.builder().epsilon(1e-4).gamma(100).nbeta(100).chains(4).burnin(100).draws(200).batchSize(32).seed(11).build();
    }

    @Test
    void theScriptedTransformerHasTheBuiltInLossAndLlc(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        CliTest.Run trained = CliTest.run("train", "--task", "induction", "--steps", "150", "--num-checkpoints", "2", "-o", "n=256",
                "--seed", "5", "--quiet", "--out", run.toString());
        assertEquals(0, trained.code(), trained.err());
        RunFolder folder = RunFolder.of(run);
        Checkpoints.Checkpoint last = folder.checkpoints().getLast();
        Path converted = tmp.resolve("scripted");
        TorchScriptFixtures.python(CONVERTER, last.file().toString(), converted.toString());

        try (TrainingTask task = Trainer.openTask(folder);
             TorchScriptModel scripted = TorchScriptModel.load(converted.resolve("model.pt"), ScriptModule.Loss.CROSS_ENTROPY, Device.CPU);
             Tensor wBuiltIn = folder.loadCheckpoint(last, task.model());
             Tensor wScripted = scripted.loadWeights(converted.resolve("state.safetensors"))) {
            Transformer builtIn = (Transformer) task.model();
            Dataset data = task.trainingSet();
            assertEquals(builtIn.layout().size(), scripted.layout().size(), "the two models have the same parameters");

            double lossBuiltIn = lossAt(builtIn, wBuiltIn, data), lossScripted = lossAt(scripted, wScripted, data);
            System.out.printf("loss at w* (step %d, %d sequences): built-in %.7f, TorchScript %.7f%n", last.step(), data.size(), lossBuiltIn,
                    lossScripted);
            assertEquals(lossBuiltIn, lossScripted, 1e-5, "loss at w*");

            LlcResult a = new LangevinSampler(builtIn, data, settings()).run(wBuiltIn);
            LlcResult b = new LangevinSampler(scripted, data, settings()).run(wScripted);
            double se = Math.hypot(a.llcStderr(), b.llcStderr());
            System.out.printf("induction transformer: built-in λ̂ = %.3f ± %.3f, TorchScript %.3f ± %.3f (|Δ| = %.2f se)%n", a.llcMean(),
                    a.llcStderr(), b.llcMean(), b.llcStderr(), Math.abs(a.llcMean() - b.llcMean()) / se);
            assertTrue(a.diverged().isEmpty() && b.diverged().isEmpty(), "no chain diverged");
            assertTrue(se > 0 && Double.isFinite(se), "the chains give a standard error");
            assertEquals(a.llcMean(), b.llcMean(), 2 * se, "TorchScript λ̂ against the built-in one");
        }
    }

    /** Mean next-token cross-entropy over every position of the whole training set, one chain at w. */
    private static double lossAt(io.lambdahat.nn.ChainModel model, Tensor w, Dataset data) {
        try (Scope s = Scope.open(); var ng = Torch.noGrad(); ChainParameters one = ChainParameters.replicate(model.layout(), w, 1)) {
            return model.loss(one.views(), data.x().unsqueeze(0), data.y().unsqueeze(0)).item();
        }
    }
}
