package io.lambdahat.simd;

/**
 * The Vector API kernels at {@link Species#FLOAT}. Loaded by name from {@link SimdProvider#get()} only after it has
 * found {@code jdk.incubator.vector} readable and C2 on: this class and the kernels it makes are the only code that
 * links to the incubator module.
 */
final class VectorSimdProvider extends SimdProvider {
    private final SgldKernel sgld = new VectorSgldKernel(Species.FLOAT);
    private final GaussianNoise noise = new VectorGaussianNoise(Species.FLOAT);
    private final Reductions reductions = new VectorReductions(Species.FLOAT);
    private final OptimizerKernels optimizers = new VectorOptimizerKernels(Species.FLOAT);
    private final MomentsKernel moments = new VectorMoments(Lanes.DEFAULT);

    VectorSimdProvider() {}

    @Override
    public boolean vectorised() {
        return true;
    }

    @Override
    public String describe() {
        return Species.FLOAT.toString();
    }

    @Override
    public SgldKernel sgldKernel() {
        return sgld;
    }

    @Override
    public GaussianNoise gaussianNoise() {
        return noise;
    }

    @Override
    public Reductions reductions() {
        return reductions;
    }

    @Override
    public OptimizerKernels optimizerKernels() {
        return optimizers;
    }

    @Override
    MomentsKernel momentsKernel() {
        return moments;
    }
}
