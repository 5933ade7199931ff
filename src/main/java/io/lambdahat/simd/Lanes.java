package io.lambdahat.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species of one vector shape, each held in a {@code static final} field of its own subclass.
 *
 * <p>The Vector API compiles to SIMD instructions only where C2 sees the species as a constant; a species kept in
 * an instance field is not one, and every vector then becomes a heap object. Kernels therefore read their species
 * through these virtual getters: a process that uses one shape (the normal case: {@link Species}) has a
 * monomorphic call site, which C2 inlines down to the static constant. Tests that mix shapes in one JVM still get
 * correct results, only slower.
 */
abstract sealed class Lanes permits Lanes.Bits64, Lanes.Bits128, Lanes.Bits256, Lanes.Bits512, Lanes.BitsMax {

    abstract VectorSpecies<Float> floats();

    abstract VectorSpecies<Integer> ints();

    abstract VectorSpecies<Long> longs();

    abstract VectorSpecies<Double> doubles();

    /** Bytes with at least as many lanes as {@link #floats()}, to load byte masks (no byte shape is below 64 bits). */
    abstract VectorSpecies<Byte> bytes();

    static final Lanes DEFAULT = of(Species.FLOAT);

    static Lanes of(VectorSpecies<Float> floats) {
        VectorShape shape = floats.vectorShape();
        if (shape == VectorShape.S_64_BIT) return new Bits64();
        if (shape == VectorShape.S_128_BIT) return new Bits128();
        if (shape == VectorShape.S_256_BIT) return new Bits256();
        if (shape == VectorShape.S_512_BIT) return new Bits512();
        return new BitsMax();
    }

    @Override
    public String toString() {
        return floats().toString();
    }

    static final class Bits64 extends Lanes {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_64;
        private static final VectorSpecies<Integer> I = IntVector.SPECIES_64;
        private static final VectorSpecies<Long> L = LongVector.SPECIES_64;
        private static final VectorSpecies<Double> D = DoubleVector.SPECIES_64;
        private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;

        @Override VectorSpecies<Float> floats() { return F; }
        @Override VectorSpecies<Integer> ints() { return I; }
        @Override VectorSpecies<Long> longs() { return L; }
        @Override VectorSpecies<Double> doubles() { return D; }
        @Override VectorSpecies<Byte> bytes() { return B; }
    }

    static final class Bits128 extends Lanes {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_128;
        private static final VectorSpecies<Integer> I = IntVector.SPECIES_128;
        private static final VectorSpecies<Long> L = LongVector.SPECIES_128;
        private static final VectorSpecies<Double> D = DoubleVector.SPECIES_128;
        private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;

        @Override VectorSpecies<Float> floats() { return F; }
        @Override VectorSpecies<Integer> ints() { return I; }
        @Override VectorSpecies<Long> longs() { return L; }
        @Override VectorSpecies<Double> doubles() { return D; }
        @Override VectorSpecies<Byte> bytes() { return B; }
    }

    static final class Bits256 extends Lanes {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
        private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
        private static final VectorSpecies<Long> L = LongVector.SPECIES_256;
        private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
        private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;

        @Override VectorSpecies<Float> floats() { return F; }
        @Override VectorSpecies<Integer> ints() { return I; }
        @Override VectorSpecies<Long> longs() { return L; }
        @Override VectorSpecies<Double> doubles() { return D; }
        @Override VectorSpecies<Byte> bytes() { return B; }
    }

    static final class Bits512 extends Lanes {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
        private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
        private static final VectorSpecies<Long> L = LongVector.SPECIES_512;
        private static final VectorSpecies<Double> D = DoubleVector.SPECIES_512;
        private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;

        @Override VectorSpecies<Float> floats() { return F; }
        @Override VectorSpecies<Integer> ints() { return I; }
        @Override VectorSpecies<Long> longs() { return L; }
        @Override VectorSpecies<Double> doubles() { return D; }
        @Override VectorSpecies<Byte> bytes() { return B; }
    }

    /** The machine's maximal shape (scalable vectors, e.g. ARM SVE). */
    static final class BitsMax extends Lanes {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_MAX;
        private static final VectorSpecies<Integer> I = IntVector.SPECIES_MAX;
        private static final VectorSpecies<Long> L = LongVector.SPECIES_MAX;
        private static final VectorSpecies<Double> D = DoubleVector.SPECIES_MAX;
        private static final VectorSpecies<Byte> B =
                VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, F.length() * Byte.SIZE)));

        @Override VectorSpecies<Float> floats() { return F; }
        @Override VectorSpecies<Integer> ints() { return I; }
        @Override VectorSpecies<Long> longs() { return L; }
        @Override VectorSpecies<Double> doubles() { return D; }
        @Override VectorSpecies<Byte> bytes() { return B; }
    }
}
