package io.lambdahat.torchscript;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.TorchScriptModel;
import io.lambdahat.sampling.InitLoss;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.tasks.TorchScriptTask;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.ScriptModule;
import io.lambdahat.torch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Models written in today's PyTorch (2.x), scripted or traced there, run on the engine's libtorch: an
 * nn.TransformerEncoderLayer with a causal mask, nn.MultiheadAttention, a nanoGPT block on
 * F.scaled_dot_product_attention(is_causal=True), and transformers' GPT2LMHeadModel (traced). Oracles from
 * src/test/python/modern_fixtures.py: PyTorch's loss at w* on the whole data set, and λ̂ from a plain PyTorch SGLD loop
 * over the same module, data and settings. The chains' batched forward (functorch's vmap over the chain axis) is held
 * to the per-chain path, loss and gradient.
 */
class ModernModulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode reference(String name) throws IOException {
        return JSON.readTree(Files.readString(TorchScriptFixtures.modern(name + "_ref.json")));
    }

    private static TorchScriptModel load(String name) {
        return TorchScriptModel.load(TorchScriptFixtures.modern(name + ".pt"), ScriptModule.Loss.CROSS_ENTROPY, Device.CPU)
                .notes(note -> System.out.println(name + ": " + note));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"encoder_layer", "mha", "nanogpt", "gpt2"})
    void theLossAtWStarIsPyTorchs(String name) throws IOException {
        double expected = reference(name).get("loss").asDouble();
        try (TorchScriptModel model = load(name);
             Dataset data = TorchScriptTask.loadData(TorchScriptFixtures.modern("data.safetensors"), null);
             Scope s = Scope.open()) {
            Tensor wStar = model.loadWeights(TorchScriptFixtures.modern(name + "_state.safetensors"));
            for (boolean batched : new boolean[] {true, false}) {
                model.batchChains(batched);
                try (ChainParameters one = ChainParameters.replicate(model.layout(), wStar, 1)) {
                    double loss = model.loss(one.views(), data.x().unsqueeze(0), data.y().unsqueeze(0)).item();
                    System.out.printf("%s: L(w*) = %.7f (PyTorch %.7f), chains %s%n", name, loss, expected, batched ? "batched" : "one by one");
                    assertEquals(expected, loss, 1e-5 * Math.abs(expected), name + " loss at w*");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"encoder_layer", "mha", "nanogpt", "gpt2"})
    void batchedChainsGiveThePerChainLossesAndGradients(String name) throws IOException {
        int chains = 4;
        try (TorchScriptModel model = load(name);
             Dataset data = TorchScriptTask.loadData(TorchScriptFixtures.modern("data.safetensors"), null);
             Generator g = new Generator(11);
             Scope s = Scope.open()) {
            Tensor wStar = model.loadWeights(TorchScriptFixtures.modern(name + "_state.safetensors"));
            // four chains away from w* in different directions, each on a minibatch of its own
            Tensor start = Tensor.randn(g, wStar.dtype(), Device.CPU, chains, wStar.numel()).mul(0.01).add(wStar.unsqueeze(0));
            Tensor rows = Tensor.randint(g, 0, data.x().size(0), Device.CPU, chains * 16L);
            Tensor x = data.x().indexSelect(0, rows).reshape(chains, 16, data.x().size(1));
            Tensor y = data.y().indexSelect(0, rows).reshape(chains, 16, data.y().size(1));
            List<double[]> losses = new ArrayList<>(), grads = new ArrayList<>();
            for (boolean batched : new boolean[] {true, false}) {
                model.batchChains(batched);
                try (ChainParameters p = ChainParameters.zeros(model.layout(), chains, wStar.dtype(), Device.CPU)) {
                    try (var noGrad = io.lambdahat.torch.Torch.noGrad()) {
                        p.flat().copyFrom(start);
                    }
                    p.flat().requiresGrad(true);
                    Tensor loss = model.loss(p.views(), x, y);
                    loss.sum().backward();
                    assertEquals(batched, model.chainsBatched(), name + ": the batched forward fell back to one by one");
                    losses.add(loss.detach().to(io.lambdahat.torch.DType.FLOAT64).toDoubleArray());
                    grads.add(p.flat().grad().to(io.lambdahat.torch.DType.FLOAT64).toDoubleArray());
                }
            }
            double lossScale = 0, gradScale = 0;
            for (double v : losses.get(1)) lossScale = Math.max(lossScale, Math.abs(v));
            for (double v : grads.get(1)) gradScale = Math.max(gradScale, Math.abs(v));
            for (int c = 0; c < chains; c++) {
                assertEquals(losses.get(1)[c], losses.get(0)[c], 1e-5 * lossScale, name + " chain " + c + " loss");
            }
            double worst = 0;
            for (int i = 0; i < grads.get(0).length; i++) {
                worst = Math.max(worst, Math.abs(grads.get(0)[i] - grads.get(1)[i]));
                assertEquals(grads.get(1)[i], grads.get(0)[i], 1e-5 * gradScale, name + " gradient " + i);
            }
            System.out.printf("%s: batched vs one by one, largest gradient difference %.2e of %.2e%n", name, worst, gradScale);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"encoder_layer", "mha", "nanogpt", "gpt2"})
    void llcEqualsAPlainPyTorchSgldLoop(String name) throws IOException {
        JsonNode ref = reference(name);
        JsonNode set = ref.get("settings");
        SamplerConfig config = SamplerConfig.builder().epsilon(set.get("epsilon").asDouble()).gamma(set.get("gamma").asDouble())
                .nbeta(set.get("nbeta").asDouble()).chains(set.get("chains").asInt()).burnin(set.get("burnin").asInt())
                .draws(set.get("draws").asInt()).batchSize(set.get("batch").asInt()).initLoss(InitLoss.FULL_DATA).seed(3).build();
        try (TorchScriptModel model = load(name);
             Dataset data = TorchScriptTask.loadData(TorchScriptFixtures.modern("data.safetensors"), null);
             Scope s = Scope.open()) {
            Tensor wStar = model.loadWeights(TorchScriptFixtures.modern(name + "_state.safetensors"));
            LlcResult r = new LangevinSampler(model, data, config).run(wStar);
            double pyMean = ref.get("llc_mean").asDouble(), pySe = ref.get("llc_stderr").asDouble();
            double se = Math.hypot(r.llcStderr(), pySe);
            System.out.printf("%s: λ̂ = %.3f ± %.3f, PyTorch %s loop %.3f ± %.3f (difference %.2f standard errors)%n", name,
                    r.llcMean(), r.llcStderr(), ref.get("torch").asText(), pyMean, pySe, Math.abs(r.llcMean() - pyMean) / se);
            assertTrue(model.chainsBatched(), name + " ran its chains one by one");
            assertEquals(ref.get("loss").asDouble(), r.initLoss(), 1e-5 * ref.get("loss").asDouble(), "L(w*)");
            assertEquals(pyMean, r.llcMean(), 2 * se, name + ": λ̂ against the PyTorch loop");
            assertTrue(r.diverged().isEmpty(), "diverged chains: " + r.diverged());
        }
    }
}
