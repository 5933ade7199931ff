package io.lambdahat.sampling;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Aoyagi's formula against the worked values of docs/SCIENCE.md §3. */
class AoyagiTest {
    @ParameterizedTest(name = "{0} rank {1} → {2}")
    @CsvSource(delimiter = ';', value = {"4,3,4;1;6.0", "10,5,10;2;29.0", "6,6,6;3;17.0", "5,4,3,4,5;1;7.0", "5,5;5;12.5",
            "10,10,10,10;0;33.5"})
    void workedValues(String widths, int rank, double lambda) {
        int[] w = Arrays.stream(widths.split(",")).mapToInt(Integer::parseInt).toArray();
        assertEquals(lambda, Aoyagi.learningCoefficient(w, rank), 1e-12);
    }
}
