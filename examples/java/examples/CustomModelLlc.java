package examples;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.Losses;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;

import java.util.Map;

/**
 * An integrator's own model on the integrator's own data: quadratic regression y = w0 + w1·x + w2·x². It is a
 * regular model with 3 weights, so its learning coefficient is 3/2.
 *
 * <p>What it takes to plug a model in: name its parameters in a {@link ParameterLayout}, and compute the per-chain
 * mean loss from parameter views that carry a leading chain axis [C, ...] and inputs [C, B, ...].
 */
public final class CustomModelLlc {
    /** y = w0 + w1 x + w2 x², evaluated for C chains at once. */
    static final class Quadratic implements ChainModel {
        private final ParameterLayout layout = ParameterLayout.builder().add("w", 3).build();

        @Override
        public ParameterLayout layout() {
            return layout;
        }

        @Override
        public Tensor loss(Map<String, Tensor> params, Tensor x, Tensor y) {
            Tensor w = params.get("w");                               // [C, 3]
            long c = w.size(0);
            Tensor w0 = w.select(1, 0).view(c, 1, 1), w1 = w.select(1, 1).view(c, 1, 1), w2 = w.select(1, 2).view(c, 1, 1);
            Tensor prediction = w0.add(w1.mul(x)).add(w2.mul(x.square()));  // [C, B, 1]
            return Losses.mse(prediction, y);
        }

        @Override
        public String describe() {
            return "quadratic regression";
        }
    }

    public static LlcResult run(long seed) {
        Quadratic model = new Quadratic();
        try (Scope s = Scope.open(); Generator g = new Generator(seed)) {
            // The integrator's data: x ~ U[-1, 1], y from the true curve 0.5 − x + 2x² (noiseless, so w* is a true parameter).
            Tensor x = Tensor.rand(g, DType.FLOAT32, Device.CPU, 10_000, 1).mul(2).sub(1);
            Tensor y = x.square().mul(2).sub(x).add(0.5);
            Tensor wStar = Tensor.of(new float[] {0.5f, -1f, 2f}, 3);
            Dataset data = new Dataset(x, y);
            SamplerConfig config = SamplerConfig.builder()
                    .epsilon(5e-5).gamma(1).chains(8).burnin(2000).draws(6000).batchSize(256).seed(seed).build();
            return new LangevinSampler(model, data, config).run(wStar);
        }
    }

    public static void main(String[] args) {
        LlcResult r = run(0);
        System.out.printf("λ̂ of %s = %.3f ± %.3f (a regular model with 3 weights has λ = 1.5); MALA acceptance %.2f%n",
                r.model(), r.llcMean(), r.llcStderr(), r.malaAcceptanceMean());
    }
}
