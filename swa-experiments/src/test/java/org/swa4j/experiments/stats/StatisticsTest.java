package org.swa4j.experiments.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Mean, std, 95% CI and Welch p-value against values computed by hand (and cross-checked with
 * SciPy 1.17: {@code stats.t.interval}, {@code stats.ttest_ind(b, a, equal_var=False)}).
 */
class StatisticsTest {

    private static final double[] SGD = {88.1, 88.5, 88.3};
    private static final double[] SWA = {88.9, 89.2, 88.8};

    @Test
    void meanStdAndIntervalOfThreeSeeds() {
        // mean 88.3; deviations -0.2, 0.2, 0 -> s^2 = 0.08 / 2 = 0.04, s = 0.2;
        // t_{0.975, 2} = 4.302653 (t table) -> half width 4.302653 * 0.2 / sqrt(3) = 0.496828
        SeedStatistics s = SeedStatistics.of(SGD);
        assertEquals(3, s.n());
        assertEquals(88.3, s.mean(), 1e-12);
        assertEquals(0.2, s.std(), 1e-12);
        assertEquals(87.803172, s.ci95Low(), 1e-6);
        assertEquals(88.796828, s.ci95High(), 1e-6);
    }

    @Test
    void oneSeedHasNoSpreadRatherThanZero() {
        SeedStatistics s = SeedStatistics.of(new double[] {90.0});
        assertEquals(90.0, s.mean());
        assertTrue(Double.isNaN(s.std()));
        assertTrue(Double.isNaN(s.ci95Low()));
    }

    @Test
    void welchPValue() {
        // SWA: mean 88.96667, s^2 = 0.0433333; SGD: mean 88.3, s^2 = 0.04.
        // t = 0.666667 / sqrt(0.0433333/3 + 0.04/3) = 0.666667 / 0.1666667 = 4.0
        // df = 0.0277778^2 / ((0.0144444^2 + 0.0133333^2) / 2) = 3.99361; p = 2 P(T_df > 4) = 0.0161810
        assertEquals(0.0161810, WelchTest.pValue(SWA, SGD), 1e-6);
        assertEquals(WelchTest.pValue(SWA, SGD), WelchTest.pValue(SGD, SWA), 1e-15);
    }

    @Test
    void welchIsUndefinedWithOneValueOrNoVariance() {
        assertTrue(Double.isNaN(WelchTest.pValue(new double[] {1}, SGD)));
        assertTrue(Double.isNaN(WelchTest.pValue(new double[] {1, 1}, new double[] {2, 2})));
    }

    @Test
    void rejectsEmptyAndNonFiniteSamples() {
        assertThrows(IllegalArgumentException.class, () -> SeedStatistics.of(new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeedStatistics.of(new double[] {1, Double.NaN}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
