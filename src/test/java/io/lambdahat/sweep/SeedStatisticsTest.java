package io.lambdahat.sweep;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Quantiles and Student-t intervals against tabulated values and hand computations. */
class SeedStatisticsTest {
    @Test
    void studentTQuantilesMatchTheTables() {
        // two-sided 95 % (p = 0.975) and one 90 % (p = 0.95) critical values from the standard t table
        int[] df = {1, 2, 3, 4, 5, 9, 30};
        double[] t975 = {12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.262157, 2.042272};
        for (int i = 0; i < df.length; i++) assertEquals(t975[i], SeedStatistics.studentTQuantile(0.975, df[i]), 2e-6, "df " + df[i]);
        assertEquals(2.015048, SeedStatistics.studentTQuantile(0.95, 5), 2e-6);
        // df = 1 is the Cauchy distribution: P(T ≤ t) = 1/2 + atan(t)/π
        assertEquals(0.5 + Math.atan(2.5) / Math.PI, SeedStatistics.studentTCdf(2.5, 1), 1e-13);
    }

    @Test
    void quantilesInterpolateBetweenOrderStatistics() {
        double[] v = {7, 1, 3, Double.NaN, 10};   // sorted finite: 1 3 7 10
        assertEquals(5.0, SeedStatistics.quantile(v, 0.5), 1e-15);             // (3 + 7) / 2
        assertEquals(1 + 0.75 * 2, SeedStatistics.quantile(v, 0.25), 1e-15);   // position 0.75
        assertEquals(7 + 0.25 * 3, SeedStatistics.quantile(v, 0.75), 1e-15);   // position 2.25
        assertEquals(1.0, SeedStatistics.quantile(v, 0), 0.0);
        assertEquals(10.0, SeedStatistics.quantile(v, 1), 0.0);
        assertTrue(Double.isNaN(SeedStatistics.quantile(new double[] {Double.NaN}, 0.5)));
    }

    @Test
    void tIntervalIsMeanPlusMinusTTimesTheStandardError() {
        double[] v = {2, 4, 4, 4, 5, 5, 7, 9};   // mean 5, sample variance 32/7
        SeedStatistics.Interval i = SeedStatistics.tInterval(v, 0.95);
        double half = 2.364624 * Math.sqrt(32.0 / 7) / Math.sqrt(8);   // t(0.975, 7) from the table
        assertEquals(8, i.n());
        assertEquals(5.0, i.mean(), 1e-14);
        assertEquals(Math.sqrt(32.0 / 7), i.sd(), 1e-14);
        assertEquals(5 - half, i.low(), 1e-6);
        assertEquals(5 + half, i.high(), 1e-6);
        SeedStatistics.Interval one = SeedStatistics.tInterval(new double[] {3, Double.NaN}, 0.95);
        assertEquals(1, one.n());
        assertEquals(3.0, one.mean(), 0.0);
        assertTrue(Double.isNaN(one.low()) && Double.isNaN(one.high()));
    }
}
