package io.lambdahat.nn;

import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The closed-form gradients of the dense models against libtorch's autograd on the same float64 weights, and
 * against central finite differences of the loss: every chain, every parameter.
 */
class ClosedFormGradientTest {
    private static final int C = 3, B = 7;

    @Test
    void mlpReluMse() {
        check(new Mlp(Mlp.Activation.RELU, Mlp.Objective.MSE, 5, 8, 6, 3), false, 11);
    }

    @Test
    void mlpTanhMse() {
        check(new Mlp(Mlp.Activation.TANH, Mlp.Objective.MSE, 4, 6, 2), false, 12);
    }

    @Test
    void mlpCrossEntropy() {
        check(new Mlp(Mlp.Activation.RELU, Mlp.Objective.CROSS_ENTROPY, 4, 9, 5), true, 13);
    }

    @Test
    void deepLinearNetwork() {
        check(new DeepLinearNetwork(6, 5, 4, 6), false, 14);
    }

    @Test
    void linearRegression() {
        check(new DeepLinearNetwork(6, 1), false, 15);
    }

    private static <M extends ChainModel & ClosedFormGradient> void check(M model, boolean classes, long seed) {
        ParameterLayout layout = model.layout();
        long p = layout.size();
        long in = layout.entries().get(0).shape()[1];
        long out = layout.entries().get(layout.entries().size() - (model instanceof Mlp ? 2 : 1)).shape()[0];
        try (Scope s = Scope.open(); Generator g = new Generator(seed)) {
            double[] w0 = Tensor.randn(g, DType.FLOAT64, Device.CPU, C, p).mul(0.6).toDoubleArray();
            Tensor x = Tensor.randn(g, DType.FLOAT64, Device.CPU, C, B, in);
            Tensor y = classes ? Tensor.randint(g, 0, out, Device.CPU, C, B) : Tensor.randn(g, DType.FLOAT64, Device.CPU, C, B, out);

            Tensor leaf = Tensor.of(w0, C, p).requiresGrad(true);
            Tensor autogradLoss = model.loss(ChainParameters.viewsOf(layout, leaf), x, y);
            autogradLoss.sum().backward();
            double[] expectedGrad = leaf.grad().toDoubleArray();
            double[] expectedLoss = autogradLoss.detach().toDoubleArray();

            Tensor weights = Tensor.of(w0, C, p);
            Tensor grad = Tensor.full(Double.NaN, DType.FLOAT64, Device.CPU, C, p); // each element must be written
            double[] loss, closedGrad;
            try (var ng = Torch.noGrad()) {
                loss = model.lossAndGradient(ChainParameters.viewsOf(layout, weights), x, y, ChainParameters.viewsOf(layout, grad)).toDoubleArray();
                closedGrad = grad.toDoubleArray();
            }
            assertArrayEquals(expectedLoss, loss, 1e-13, "losses equal the model's own loss()");
            for (int i = 0; i < closedGrad.length; i++) {
                assertEquals(expectedGrad[i], closedGrad[i], 1e-12 + 1e-10 * Math.abs(expectedGrad[i]),
                        "chain " + i / p + ", coordinate " + i % p + " against autograd");
            }
            FiniteDifferences.checkPerParameter(layout, C, w0, closedGrad, w -> {
                try (Scope fd = Scope.open(); var ng = Torch.noGrad()) {
                    return model.loss(ChainParameters.viewsOf(layout, Tensor.of(w, C, p)), x, y).toDoubleArray();
                }
            }, seed);
        }
    }
}
