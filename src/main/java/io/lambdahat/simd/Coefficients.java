package io.lambdahat.simd;

/**
 * The constants of one step, rounded once so that the scalar and the vector kernels use the same values:
 * plain SGLD's {@code drift = a·g + b·(w − w*) + k·w} and {@code noise = s·ξ}; RMSProp-SGLD's
 * {@code drift = (halfEps·G)·(nβ·g + γ·(w − w*) + λ·w)} and {@code noise = (s·√G)·ξ}.
 */
final class Coefficients {
    final double a, b, k, s, bound, halfEps, nBeta, gamma, decay, alpha, oneMinusAlpha, stabilizer;
    final float aF, bF, kF, sF, boundF, halfEpsF, nBetaF, gammaF, decayF, alphaF, oneMinusAlphaF, stabilizerF;

    Coefficients(SgldParameters h, RmspropParameters r) {
        halfEps = 0.5 * h.epsilon();
        nBeta = h.nBeta();
        gamma = h.gamma();
        decay = h.weightDecay();
        a = halfEps * nBeta;
        b = halfEps * gamma;
        k = halfEps * decay;
        s = Math.sqrt(h.epsilon());
        bound = h.bound();
        alpha = r == null ? 0 : r.alpha();
        oneMinusAlpha = 1 - alpha;
        stabilizer = r == null ? 1 : r.stabilizer();
        aF = (float) a;
        bF = (float) b;
        kF = (float) k;
        sF = (float) s;
        boundF = (float) bound;
        halfEpsF = (float) halfEps;
        nBetaF = (float) nBeta;
        gammaF = (float) gamma;
        decayF = (float) decay;
        alphaF = (float) alpha;
        oneMinusAlphaF = (float) oneMinusAlpha;
        stabilizerF = (float) stabilizer;
    }
}
