/**
 * Vector API kernels of the CPU sampling path, each with a plain scalar twin behind the same interface (the
 * scalar one is the test oracle); species come from {@link io.lambdahat.simd.Species} alone.
 *
 * <ul>
 *   <li>{@link io.lambdahat.simd.GaussianNoise}: standard normal numbers as a pure function of
 *       (seed, stream, counter, index), bit-identical at every SIMD width;</li>
 *   <li>{@link io.lambdahat.simd.SgldKernel}: one SGLD or RMSProp-SGLD step of a chain's row of the [C, P]
 *       buffers ({@link io.lambdahat.simd.ChainBuffers}), fused with its noise and its
 *       {@link io.lambdahat.simd.StepNorms}; the MALA acceptance terms;</li>
 *   <li>{@link io.lambdahat.simd.Reductions}: dot products, squared norms and distances;</li>
 *   <li>{@link io.lambdahat.simd.RunningMoments}: Welford means and variances with Chan's merge;</li>
 *   <li>{@link io.lambdahat.simd.TraceStatistics}: autocorrelation, ESS and split-R̂ of loss traces, as ArviZ
 *       computes them; {@link io.lambdahat.simd.StandardNormal}: Φ and Φ⁻¹.</li>
 * </ul>
 */
package io.lambdahat.simd;
