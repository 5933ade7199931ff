package io.lambdahat.simd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class StandardNormalTest {
    @Test
    void distributionFunctionAtTabulatedPoints() {
        assertEquals(0.5, StandardNormal.cdf(0), 1e-16);
        assertEquals(0.9750021048517795, StandardNormal.cdf(1.96), 1e-15);
        assertEquals(0.539827837277029, StandardNormal.cdf(0.1), 1e-15);
        assertEquals(0.0013498980316301, StandardNormal.cdf(-3), 1e-15);
        assertEquals(1.279812543885835e-12, StandardNormal.cdf(-7), 1e-24);
        assertEquals(1.8989562465e-8, 1 - StandardNormal.cdf(5.5), 1e-15);
    }

    @Test
    void quantileAtTabulatedPointsAndInvertsTheDistribution() {
        assertEquals(1.959963984540054, StandardNormal.quantile(0.975), 1e-14);
        assertEquals(-6.361340902404056, StandardNormal.quantile(1e-10), 1e-13);
        assertEquals(-0.5244005127080407, StandardNormal.quantile(0.3), 1e-15);
        assertEquals(0, StandardNormal.quantile(0.5), 0);
        // Above the median p carries only the absolute precision of a double near 1, so invert the lower half.
        for (double x = -8; x <= 0; x += 0.37) assertEquals(x, StandardNormal.quantile(StandardNormal.cdf(x)), 1e-12 * (1 + Math.abs(x)));
        for (double x = 0.2; x <= 3; x += 0.37) assertEquals(x, StandardNormal.quantile(StandardNormal.cdf(x)), 1e-9);
        assertEquals(Double.NEGATIVE_INFINITY, StandardNormal.quantile(0));
        assertThrows(IllegalArgumentException.class, () -> StandardNormal.quantile(1.5));
    }
}
