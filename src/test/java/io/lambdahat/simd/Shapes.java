package io.lambdahat.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The float shapes every kernel is tested at: the two narrowest (forced in this JVM) and the machine's own. */
final class Shapes {
    private Shapes() {}

    static List<VectorSpecies<Float>> all() {
        Set<VectorSpecies<Float>> s = new LinkedHashSet<>();
        s.add(FloatVector.SPECIES_64);
        s.add(FloatVector.SPECIES_128);
        s.add(Species.FLOAT);
        return List.copyOf(s);
    }

    /** 0, 1, lane ± 1, 2·lane + 3, the noise group (32) ± 1, a chunk (256) ± 1, and a few thousand. */
    static int[] lengths(int lanes) {
        Set<Integer> n = new TreeSet<>(List.of(0, 1, 2, 3, lanes - 1, lanes, lanes + 1, 2 * lanes + 3, 31, 32, 33,
                63, 65, 100, 255, 256, 257, 1000, 3001));
        n.removeIf(x -> x < 0);
        return n.stream().mapToInt(Integer::intValue).toArray();
    }
}
