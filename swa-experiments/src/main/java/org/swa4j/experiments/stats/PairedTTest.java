package org.swa4j.experiments.stats;

import java.util.Map;
import java.util.TreeSet;

import org.apache.commons.math3.stat.inference.TTest;

/**
 * Two-sided p-value of the paired t-test between two methods' results for the same seeds (Apache
 * Commons Math {@link TTest#pairedTTest(double[], double[])}):
 *
 * <pre>
 *   d_i = a_i - b_i   for every seed i that both have
 *   t   = mean(d) / (s_d / sqrt(n)),  s_d the sample std of d,  df = n - 1
 *   p   = 2 * P(T_df > |t|)
 * </pre>
 *
 * Pairing is valid here because the runs of one seed share their initialisation and data order across
 * methods; it removes the seed-to-seed spread that Welch's test ({@link WelchTest}) has to carry.
 * The test is undefined with fewer than two common seeds or when every difference is the same
 * (zero variance); {@link #pValue} then returns NaN (an empty cell), never a made-up number.
 */
public final class PairedTTest {

    private PairedTTest() {
    }

    /** Two-sided paired p-value of {@code a} against {@code b} (seed to value) over their common seeds, or NaN. */
    public static double pValue(Map<Integer, Double> a, Map<Integer, Double> b) {
        TreeSet<Integer> seeds = new TreeSet<>(a.keySet());
        seeds.retainAll(b.keySet());
        int n = seeds.size();
        if (n < 2) {
            return Double.NaN;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        int i = 0;
        for (int s : seeds) {
            x[i] = a.get(s);
            y[i] = b.get(s);
            i++;
        }
        double first = x[0] - y[0];
        boolean constant = true;
        for (int k = 1; k < n; k++) {
            constant &= x[k] - y[k] == first;
        }
        return constant ? Double.NaN : new TTest().pairedTTest(x, y);
    }
}
