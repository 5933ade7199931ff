package io.lambdahat.nn;

import io.lambdahat.tasks.IclLinearRegressionTask;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The vector-input transformer: shapes, finite-difference gradients, and that y_k is hidden from its own prediction. */
class IclRegressionTransformerTest {
    private static final IclLinearRegressionTask TASK = new IclLinearRegressionTask(2, 3, 0.125);
    private static final TransformerConfig CFG = new TransformerConfig(2, 2, 4, 2, 6, 3, false, true, 6,
            TransformerConfig.Activation.GELU, true);

    @Test
    void shapesAndGradientsMatchFiniteDifferences() {
        IclRegressionTransformer model = new IclRegressionTransformer(CFG);
        ParameterLayout layout = model.layout();
        assertArrayEquals(new long[] {3, 4}, layout.get("embed.W_E").shape());
        assertArrayEquals(new long[] {4, 1}, layout.get("unembed.W_U").shape());
        int c = 2, b = 3;
        long p = layout.size();
        double[] w0, xs, ys, grad;
        try (Scope s = Scope.open(); Generator g = new Generator(5)) {
            w0 = Tensor.randn(g, DType.FLOAT64, Device.CPU, c, p).mul(0.4).toDoubleArray();
            Tensor[] batch = TASK.batch(g, c, b, DType.FLOAT64, Device.CPU);
            assertArrayEquals(new long[] {c, b, 6, 3}, batch[0].shape());
            assertArrayEquals(new long[] {c, b, 3}, batch[1].shape());
            xs = batch[0].contiguous().toDoubleArray();
            ys = batch[1].contiguous().toDoubleArray();
            Tensor flat = Tensor.of(w0, c, p).requiresGrad(true);
            Tensor loss = model.loss(TransformerTest.views(layout, flat), batch[0], batch[1]);
            assertArrayEquals(new long[] {c}, loss.shape());
            loss.sum().backward();
            grad = flat.grad().toDoubleArray();
        }
        try (var ng = Torch.noGrad()) {
            FiniteDifferences.checkPerParameter(layout, c, w0, grad, w -> loss(model, w, xs, ys, c, b), 6);
        }
    }

    private static double[] loss(IclRegressionTransformer model, double[] w, double[] xs, double[] ys, int c, int b) {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> p = TransformerTest.views(model.layout(), Tensor.of(w, c, model.layout().size()));
            return model.loss(p, Tensor.of(xs, c, b, 6, 3), Tensor.of(ys, c, b, 3)).toDoubleArray();
        }
    }

    @Test
    void aPredictionDoesNotSeeItsOwnTarget() {
        IclRegressionTransformer model = new IclRegressionTransformer(CFG);
        try (Scope s = Scope.open(); Generator g = new Generator(9)) {
            Map<String, Tensor> p = TransformerTest.views(model.layout(),
                    Tensor.randn(g, DType.FLOAT64, Device.CPU, 1, model.layout().size()).mul(0.5));
            double[] tokens = TASK.sample(g, 1, DType.FLOAT64, Device.CPU).tokens().toDoubleArray();
            double[] before = model.predict(p, Tensor.of(tokens, 1, 1, 6, 3)).toDoubleArray();
            tokens[3 * 3] += 1.0;  // y_2's value, at token 3 (the y-token after x_2 at token 2)
            double[] after = model.predict(p, Tensor.of(tokens, 1, 1, 6, 3)).toDoubleArray();
            assertEquals(before[0], after[0], 0.0, "prediction of y_1");
            assertEquals(before[1], after[1], 0.0, "prediction of y_2 must not see y_2");
            assertNotEquals(before[2], after[2], 1e-9, "prediction of y_3 sees y_2");
        }
    }
}
