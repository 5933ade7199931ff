package io.lambdahat.nn;

import io.lambdahat.tasks.InductionTask;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the induction configuration (docs/SCIENCE.md §4: 2 attention-only layers, d_model 32, 1 head, LayerNorm,
 * vocab 32, context 32, AdamW lr 1e-3, batch 32) on {@link InductionTask} and prints held-out loss, ICL score and
 * induction accuracy every 100 steps: an end-to-end check that model and data reproduce the bump. A minimal AdamW
 * (β = 0.9, 0.999, ε = 1e-8, decoupled weight decay 0.01, torch's defaults) lives here only for this check.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlambdahat.native.dir=target/native \
 *      -cp target/classes:target/test-classes io.lambdahat.nn.InductionBumpDemo [steps] [seed]
 * </pre>
 */
public final class InductionBumpDemo {
    private InductionBumpDemo() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Torch.setThreads(1);
        Transformer model = new Transformer(TransformerConfig.induction());
        InductionTask task = InductionTask.standard(seed);
        System.out.printf(Locale.ROOT, "%s, P = %d; chain entropy rate %.3f nats%n", model.describe(), model.layout().size(), task.entropyRate());
        InductionTask.Sequences heldOut = task.heldOut(512);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
        try (Scope root = Scope.open(); Generator g = new Generator(seed)) {
            ChainParameters params = ChainParameters.replicate(model.layout(), model.initialWeights(g, DType.FLOAT32), 1);
            Tensor m = Tensor.zeros(DType.FLOAT32, Device.CPU, 1, model.layout().size());
            Tensor v = Tensor.zeros(DType.FLOAT32, Device.CPU, 1, model.layout().size());
            Tensor hx, hy, mask;
            try (Scope s = Scope.open()) {
                Tensor[] xy = InductionTask.split(heldOut.toTensor(Device.CPU));
                hx = s.keep(xy[0].unsqueeze(0).contiguous());
                hy = s.keep(xy[1].unsqueeze(0).contiguous());
                mask = s.keep(heldOut.repeatMask(Device.CPU));
            }
            System.out.println(" step  held-out loss  ICL score  induction acc.");
            long start = System.nanoTime();
            for (int step = 0; step <= steps; step++) {
                if (step % 100 == 0) {
                    try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
                        Map<String, Tensor> p = params.views();
                        Tensor logits = model.logits(p, hx);
                        Tensor perPosition = Transformer.positionLoss(logits, hy);
                        System.out.printf(Locale.ROOT, "%5d  %13.4f  %9.4f  %14.3f%n", step, perPosition.mean().item(),
                                InductionTask.iclScore(perPosition).item(), InductionTask.inductionAccuracy(logits, hy, mask).item());
                        System.out.flush();
                    }
                }
                if (step == steps) break;
                try (Scope s = Scope.open()) {
                    Tensor[] xy = task.batch(rng, 1, 32, Device.CPU);
                    model.loss(params.views(), xy[0], xy[1]).sum().backward();
                    try (var ng = Torch.noGrad()) {
                        Tensor grad = params.flat().grad();
                        int t = step + 1;
                        m.mulInPlace(b1).addInPlace(grad, 1 - b1);
                        v.mulInPlace(b2).addInPlace(grad.square(), 1 - b2);
                        Tensor update = m.div(1 - Math.pow(b1, t)).div(v.div(1 - Math.pow(b2, t)).sqrt().add(eps));
                        params.flat().mulInPlace(1 - lr * wd).addInPlace(update, -lr);
                        params.flat().zeroGrad();
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%d steps in %.1f s%n", steps, (System.nanoTime() - start) / 1e9);
            params.close();
        }
    }
}
