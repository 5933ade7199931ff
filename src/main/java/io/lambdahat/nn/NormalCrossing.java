package io.lambdahat.nn;

import io.lambdahat.InvalidInputException;
import io.lambdahat.torch.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * A potential with no data: K(w) = Π_i w_i^{2 k_i} near w* = 0, whose learning coefficient is min_i 1/(2 k_i).
 * The single parameter "w" has one coordinate per power.
 */
public final class NormalCrossing implements ChainModel {
    private final int[] powers;
    private final ParameterLayout layout;

    /**
     * The potential Π_i w_i^{2 k_i}.
     *
     * @param powers the k_i, one per coordinate, positive
     * @throws IllegalArgumentException if no power is given or one is not positive
     */
    public NormalCrossing(int... powers) {
        if (powers.length == 0) throw new InvalidInputException("give at least one power k_i");
        for (int k : powers) if (k <= 0) throw new InvalidInputException("powers must be positive integers: " + Arrays.toString(powers));
        this.powers = powers.clone();
        this.layout = ParameterLayout.builder().add("w", powers.length).build();
    }

    /** {@return the true learning coefficient λ = min_i 1/(2 k_i)} */
    public double trueLearningCoefficient() {
        return Arrays.stream(powers).mapToDouble(k -> 1.0 / (2 * k)).min().orElseThrow();
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Tensor x, Tensor y) {
        Tensor w = params.get("w");                      // [C, d]
        Tensor k = null;
        for (int i = 0; i < powers.length; i++) {
            Tensor term = w.select(1, i).pow(2.0 * powers[i]);
            k = k == null ? term : k.mul(term);
        }
        return k;
    }

    /** Itself: it keeps no state between calls, and each chain's loss depends on that chain's weights and data only. */
    @Override
    public ChainModel forAnotherThread() {
        return this;
    }

    @Override
    public String describe() {
        return "normal crossing, powers " + Arrays.toString(powers);
    }
}
