package io.lambdahat.simd;

/** The scalar twins of every kernel: no Vector API class is touched. */
final class ScalarSimdProvider extends SimdProvider {
    static final ScalarSimdProvider INSTANCE = new ScalarSimdProvider();

    private ScalarSimdProvider() {}

    @Override
    public boolean vectorised() {
        return false;
    }

    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public SgldKernel sgldKernel() {
        return ScalarSgldKernel.INSTANCE;
    }

    @Override
    public GaussianNoise gaussianNoise() {
        return ScalarGaussianNoise.INSTANCE;
    }

    @Override
    public Reductions reductions() {
        return ScalarReductions.INSTANCE;
    }

    @Override
    public OptimizerKernels optimizerKernels() {
        return ScalarOptimizerKernels.INSTANCE;
    }

    @Override
    MomentsKernel momentsKernel() {
        return ScalarMoments.INSTANCE;
    }
}
