package org.swa4j.experiments.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Mean, std, 95% CI, Welch and paired p-values against values computed by hand (and cross-checked with
 * SciPy 1.17: {@code stats.t.interval}, {@code stats.ttest_ind(b, a, equal_var=False)},
 * {@code stats.ttest_rel(b, a)}).
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

    /**
     * With two degrees of freedom the t distribution's tail has a closed form, P(|T| > t) = 1 - t / sqrt(2 + t^2),
     * so three seeds give the paired p exactly. SWA - SGD by seed: 0.8, 0.7, 0.5; mean 2/3, s_d^2 = 0.07/3;
     * t^2 = (4/9) / (0.07/9) = 400/7; p = 1 - sqrt(400/414) = 0.0170536 (SciPy ttest_rel: 0.01705363).
     */
    @Test
    void pairedPValueBySeed() {
        Map<Integer, Double> sgd = Map.of(1, SGD[0], 2, SGD[1], 3, SGD[2]);
        Map<Integer, Double> swa = Map.of(3, SWA[2], 1, SWA[0], 2, SWA[1]);
        assertEquals(1 - Math.sqrt(400.0 / 414), PairedTTest.pValue(swa, sgd), 1e-12);
        assertEquals(0.0170536, PairedTTest.pValue(swa, sgd), 1e-7);
        assertEquals(PairedTTest.pValue(swa, sgd), PairedTTest.pValue(sgd, swa), 1e-15);
        // differences 1, 2, 3: t = 2 / (1 / sqrt 3), t^2 = 12, p = 1 - sqrt(12/14)
        assertEquals(1 - Math.sqrt(12.0 / 14), PairedTTest.pValue(Map.of(1, 1.0, 2, 2.0, 3, 3.0, 9, 50.0),
                Map.of(1, 0.0, 2, 0.0, 3, 0.0, 4, 7.0)), 1e-12, "only the seeds both have are paired");
    }

    @Test
    void pairedIsUndefinedWithOneCommonSeedOrEqualDifferences() {
        assertTrue(Double.isNaN(PairedTTest.pValue(Map.of(1, 1.0, 2, 2.0), Map.of(2, 1.0, 3, 1.0))));
        assertTrue(Double.isNaN(PairedTTest.pValue(Map.of(1, 1.0, 2, 2.0), Map.of(1, 0.5, 2, 1.5))));
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
