package org.swa4j.experiments.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The difference of means, its Welch interval and p against values computed here from the textbook
 * formulas, with Student's t distribution evaluated by numerical integration of its density (not
 * Commons Math), and against a t-table value.
 */
class WelchComparisonTest {

    @Test
    void equalSpreadsGiveTheTableInterval() {
        // s_a^2 = s_b^2 = 1, n = 3: se = sqrt(2/3), df = (2/3)^2 / (2 (1/3)^2 / 2) = 4 (= 2(n - 1));
        // t_{0.975, 4} = 2.776445 (t table): CI = -1 -/+ 2.776445 * 0.8164966 = -1 -/+ 2.266958
        WelchComparison c = WelchComparison.of(new double[] {1, 2, 3}, new double[] {2, 3, 4});
        assertEquals(-1.0, c.difference(), 1e-12);
        assertEquals(4.0, c.df(), 1e-12);
        assertEquals(-3.266958, c.ci95Low(), 1e-6);
        assertEquals(1.266958, c.ci95High(), 1e-6);
        assertEquals(2 * (1 - tCdf(1 / Math.sqrt(2.0 / 3), 4)), c.p(), 1e-7);
    }

    @Test
    void unequalSpreadsAgainstTheFormulaComputedHere() {
        double[] a = {81.23, 80.51, 82.10, 79.94, 81.70};
        double[] b = {80.20, 80.95, 79.05};
        double ma = mean(a);
        double mb = mean(b);
        double va = variance(a, ma) / a.length;
        double vb = variance(b, mb) / b.length;
        double se = Math.sqrt(va + vb);
        double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        double half = tQuantile(0.975, df) * se;
        double p = 2 * (1 - tCdf(Math.abs(ma - mb) / se, df));

        WelchComparison c = WelchComparison.of(a, b);
        assertEquals(5, c.nA());
        assertEquals(3, c.nB());
        assertEquals(ma, c.meanA(), 1e-12);
        assertEquals(Math.sqrt(variance(b, mb)), c.stdB(), 1e-12);
        assertEquals(ma - mb, c.difference(), 1e-12);
        assertEquals(df, c.df(), 1e-9);
        assertTrue(df > 2 && df < 7 && df != Math.rint(df), "the example needs t at a fractional df: " + df);
        assertEquals(ma - mb - half, c.ci95Low(), 1e-6);
        assertEquals(ma - mb + half, c.ci95High(), 1e-6);
        assertEquals(p, c.p(), 1e-6);
        // the interval and the test agree: 0 is inside exactly when p > 0.05
        assertEquals(c.p() > 0.05, c.ci95Low() < 0 && c.ci95High() > 0);
    }

    @Test
    void oneSidedAndSingleSeedComparisonsHaveNoInterval() {
        WelchComparison onlyA = WelchComparison.of(new double[] {80, 81}, new double[0]);
        assertEquals(0, onlyA.nB());
        assertTrue(Double.isNaN(onlyA.meanB()) && Double.isNaN(onlyA.difference()) && Double.isNaN(onlyA.p()));
        WelchComparison single = WelchComparison.of(new double[] {80}, new double[] {78, 80});
        assertEquals(1.0, single.difference(), 1e-12);
        assertTrue(Double.isNaN(single.ci95Low()) && Double.isNaN(single.p()) && Double.isNaN(single.df()));
        WelchComparison flat = WelchComparison.of(new double[] {80, 80}, new double[] {79, 79});
        assertTrue(Double.isNaN(flat.ci95Low()) && Double.isNaN(flat.p()), "no spread on either side: undefined");
        assertThrows(IllegalArgumentException.class, () -> WelchComparison.of(new double[] {Double.NaN}, new double[] {1}));
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double variance(double[] x, double mean) {
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s / (x.length - 1);
    }

    /**
     * Student's t CDF with {@code df} degrees of freedom: with t = tan(u), the density times dt/du is
     * (cos^2 u + sin^2 u / df)^(-(df+1)/2) |cos u|^(df-1), finite on [-pi/2, pi/2]; Simpson's rule on it,
     * normalised by its integral over the whole interval.
     */
    static double tCdf(double t, double df) {
        return simpson(-Math.PI / 2, Math.atan(t), df) / simpson(-Math.PI / 2, Math.PI / 2, df);
    }

    static double tQuantile(double probability, double df) {
        double lo = 0;
        double hi = 100;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (tCdf(mid, df) < probability) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    private static double simpson(double from, double to, double df) {
        int n = 20_000;
        double h = (to - from) / n;
        double sum = density(from, df) + density(to, df);
        for (int i = 1; i < n; i++) {
            sum += (i % 2 == 0 ? 2 : 4) * density(from + i * h, df);
        }
        return sum * h / 3;
    }

    private static double density(double u, double df) {
        double c = Math.cos(u);
        double s = Math.sin(u);
        return Math.pow(c * c + s * s / df, -(df + 1) / 2) * Math.pow(Math.abs(c), df - 1);
    }
}
