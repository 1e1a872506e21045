package org.swa4j.experiments.parity;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TTest;
import org.swa4j.experiments.stats.SeedStatistics;
import org.swa4j.experiments.stats.WelchTest;

/**
 * One metric over seeds on two sides, a (swa4j) and b (the peer): each side's n, mean and sample std
 * ({@link SeedStatistics}), the difference of the means, its 95% confidence interval from Welch's
 * unequal-variance t statistic, and Welch's two-sided p ({@link WelchTest}):
 *
 * <pre>
 *   d  = mean_a - mean_b,   se = sqrt(s_a^2/n_a + s_b^2/n_b)
 *   df = se^4 / ((s_a^2/n_a)^2/(n_a-1) + (s_b^2/n_b)^2/(n_b-1))      (Welch-Satterthwaite; Commons Math's TTest.df)
 *   CI = d -/+ t_{0.975, df} * se
 * </pre>
 *
 * A side without values has n = 0 and NaN mean; with fewer than two values on either side, or no
 * spread on both, the interval, df and p are NaN (empty cells), never made-up numbers. Rejects
 * non-finite values (as {@link SeedStatistics} does).
 */
public record WelchComparison(int nA, double meanA, double stdA, int nB, double meanB, double stdB, double difference,
        double df, double ci95Low, double ci95High, double p) {

    /** The comparison of {@code a} with {@code b}; either may be empty. */
    public static WelchComparison of(double[] a, double[] b) {
        SeedStatistics sa = a.length == 0 ? null : SeedStatistics.of(a);
        SeedStatistics sb = b.length == 0 ? null : SeedStatistics.of(b);
        double meanA = sa == null ? Double.NaN : sa.mean();
        double meanB = sb == null ? Double.NaN : sb.mean();
        double stdA = sa == null ? Double.NaN : sa.std();
        double stdB = sb == null ? Double.NaN : sb.std();
        double d = meanA - meanB;
        double df = Double.NaN;
        double low = Double.NaN;
        double high = Double.NaN;
        double p = Double.NaN;
        if (a.length >= 2 && b.length >= 2) {
            double va = stdA * stdA;
            double vb = stdB * stdB;
            double se = Math.sqrt(va / a.length + vb / b.length);
            if (se > 0) {
                df = SatterthwaiteDf.INSTANCE.of(va, vb, a.length, b.length);
                double half = new TDistribution(df).inverseCumulativeProbability(0.975) * se;
                low = d - half;
                high = d + half;
                p = WelchTest.pValue(a, b);
            }
        }
        return new WelchComparison(a.length, meanA, stdA, b.length, meanB, stdB, d, df, low, high, p);
    }

    /**
     * Each side's n, mean and std and the difference of the means, without interval, df or p: for values that are
     * not independent samples (MultiSWAG's results, each a mixture of runs that other results reuse).
     */
    public static WelchComparison withoutTest(double[] a, double[] b) {
        WelchComparison c = of(a, b);
        return new WelchComparison(c.nA(), c.meanA(), c.stdA(), c.nB(), c.meanB(), c.stdB(), c.difference(), Double.NaN, Double.NaN,
                Double.NaN, Double.NaN);
    }

    /** Commons Math's Welch-Satterthwaite degrees of freedom, which its TTest keeps protected. */
    private static final class SatterthwaiteDf extends TTest {
        static final SatterthwaiteDf INSTANCE = new SatterthwaiteDf();

        double of(double varianceA, double varianceB, int nA, int nB) {
            return df(varianceA, varianceB, nA, nB);
        }
    }
}
