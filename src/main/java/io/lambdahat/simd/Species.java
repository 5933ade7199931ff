package io.lambdahat.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place that chooses the Vector API species for every kernel. The preferred shape of the machine is
 * used unless the system property {@code lambdahat.simd.bits} (64, 128, 256 or 512) forces another, which tests
 * use to exercise narrow shapes and their tails. Only Vector API code reaches it (see {@link SimdProvider}).
 */
final class Species {
    /** The float species every float kernel uses. */
    static final VectorSpecies<Float> FLOAT;
    /** The double species of the same shape, for double accumulators. */
    static final VectorSpecies<Double> DOUBLE;

    static {
        String bits = System.getProperty("lambdahat.simd.bits");
        if (bits == null) {
            FLOAT = FloatVector.SPECIES_PREFERRED;
            DOUBLE = DoubleVector.SPECIES_PREFERRED;
        } else {
            VectorShape shape = VectorShape.forBitSize(Integer.parseInt(bits));
            FLOAT = FloatVector.SPECIES_PREFERRED.withShape(shape).check(float.class);
            DOUBLE = DoubleVector.SPECIES_PREFERRED.withShape(shape).check(double.class);
        }
    }

    private Species() {}
}
