package examples;

import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import io.lambdahat.trajectory.TransitionMonitor;

import java.util.ArrayList;
import java.util.List;

/**
 * An integrator's own training loop (plain gradient descent written against the tensor API) that calls a
 * {@link TransitionMonitor} every k steps. The network is a deep linear network trained from a small
 * initialisation on a teacher with well-separated singular values, so it learns them one at a time
 * ("saddle to saddle"): the loss drops in steps and λ̂ rises with each newly learned direction.
 */
public final class TrainingWithMonitor {
    public record Outcome(List<TransitionMonitor.Transition> transitions, List<TransitionMonitor.Point> history) {}

    public static Outcome run(int steps, int every, long seed) {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 4, 4);
        List<TransitionMonitor.Transition> found = new ArrayList<>();
        try (Scope run = Scope.open(); Generator g = new Generator(seed)) {
            // Teacher: diag(4, 1.5, 0) in a random basis — rank 2, two separated singular values.
            Tensor x = Tensor.randn(g, DType.FLOAT32, Device.CPU, 2000, 4);
            Tensor teacher = Tensor.of(new float[] {4, 0, 0, 0, 0, 1.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 4, 4);
            Tensor y = x.matmul(teacher.transpose(0, 1));
            Dataset data = new Dataset(x, y);
            SamplerConfig cheap = SamplerConfig.builder().epsilon(1e-4).gamma(100).chains(2).burnin(100).draws(200)
                    .batchSize(200).seed(seed).mala(false).build();
            TransitionMonitor monitor = new TransitionMonitor(model, data, cheap);

            ChainParameters params = ChainParameters.zeros(model.layout(), 1, DType.FLOAT32, Device.CPU);
            try (var ng = Torch.noGrad(); Tensor init = Tensor.randn(g, DType.FLOAT32, Device.CPU, 1, model.layout().size())) {
                params.flat().copyFrom(init.mul(1e-4));
            }
            double lr = 0.005;
            for (int step = 1; step <= steps; step++) {
                try (Scope s = Scope.open()) {
                    Tensor loss = model.loss(params.views(), x.unsqueeze(0), y.unsqueeze(0)).sum();
                    loss.backward();
                    try (var ng = Torch.noGrad()) {
                        Tensor grad = params.flat().grad();
                        params.flat().addInPlace(grad, -lr);
                        grad.zeroInPlace();
                    }
                    if (step % every == 0) {
                        Tensor weights = params.flat().detach().reshape(model.layout().size());
                        monitor.observe(step, weights).ifPresent(t -> {
                            found.add(t);
                            System.out.println("step " + t + ": transition — " + t.describe());
                        });
                    }
                }
            }
            params.close();
            return new Outcome(found, monitor.history());
        }
    }

    public static void main(String[] args) {
        Outcome o = run(3000, 100, 0);
        for (TransitionMonitor.Point p : o.history()) {
            System.out.printf("step %5d  loss %.4f  λ̂ %.2f ± %.2f%n", p.step(), p.loss(), p.llc(), p.llcStderr());
        }
        System.out.println(o.transitions().size() + " transition(s) reported");
    }
}
