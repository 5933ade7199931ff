/**
 * The CPU kernels of sampling and training, reached through {@link io.lambdahat.simd.SimdProvider}: Vector API
 * implementations where {@code jdk.incubator.vector} is readable and C2 is on, otherwise their plain scalar twins
 * (with one warning line per JVM). Only the interfaces, the provider and the value types are public; the
 * implementations are package-private, and the classes that use the Vector API are loaded only by the provider
 * after its checks, so an application started without {@code --add-modules jdk.incubator.vector} runs on the twins.
 * Each twin is the test oracle of its vector implementation; {@code X.scalar()} reaches it directly.
 *
 * <ul>
 *   <li>{@link io.lambdahat.simd.GaussianNoise}: standard normal numbers as a pure function of
 *       (seed, stream, counter, index), bit-identical at every SIMD width;</li>
 *   <li>{@link io.lambdahat.simd.SgldKernel}: one SGLD or RMSProp-SGLD step of a chain's row of the [C, P]
 *       buffers ({@link io.lambdahat.simd.ChainBuffers}), fused with its noise and its
 *       {@link io.lambdahat.simd.StepNorms}; the MALA acceptance terms;</li>
 *   <li>{@link io.lambdahat.simd.OptimizerKernels}: the fused AdamW and SGD updates and the gradient clipping passes
 *       of the flat optimisers in {@code io.lambdahat.train};</li>
 *   <li>{@link io.lambdahat.simd.Reductions}: dot products, squared norms and distances;</li>
 *   <li>{@link io.lambdahat.simd.RunningMoments}: Welford means and variances with Chan's merge;</li>
 *   <li>{@link io.lambdahat.simd.TraceStatistics}: autocorrelation, ESS and split-R̂ of loss traces, as ArviZ
 *       computes them; {@link io.lambdahat.simd.StandardNormal}: Φ and Φ⁻¹.</li>
 * </ul>
 *
 * <p>The float32 and float64 loops of the SGLD kernels (package-private {@code ScalarSteps32/64},
 * {@code VectorSteps32/64}) are generated from one template each in {@code src/main/java-templates} by
 * {@code bin/generate-simd}, and marked so; edit the template, not the generated file.
 */
package io.lambdahat.simd;
