package org.swa4j.experiments.results;

/**
 * One row of {@code summary.csv}: a method at a budget over the seeds that finished (diverged
 * runs excluded). Accuracies in percent; NaN where undefined (one seed; SGD's own p-values; no SGD
 * run at the budget compared with).
 *
 * @param pVsSgd              two-sided Welch t-test against SGD at the same budget
 * @param pVsSgdBudget1       two-sided Welch t-test against SGD at budget 1 (B): the paper's comparison of
 *                            SWA at 1.25 and 1.5 B with SGD at B
 * @param pPairedVsSgd        two-sided paired t-test by seed against SGD at the same budget
 * @param pPairedVsSgdBudget1 two-sided paired t-test by seed against SGD at budget 1
 */
public record SummaryRow(String dataset, String model, String method, double budget, int n, double accMean,
        double accStd, double accCi95Low, double accCi95High, double nllMean, double eceMean, double pVsSgd,
        double pVsSgdBudget1, double pPairedVsSgd, double pPairedVsSgdBudget1) {

    /** A row with only the Welch p-value against SGD at the same budget (the others NaN). */
    public SummaryRow(String dataset, String model, String method, double budget, int n, double accMean, double accStd,
            double accCi95Low, double accCi95High, double nllMean, double eceMean, double pVsSgd) {
        this(dataset, model, method, budget, n, accMean, accStd, accCi95Low, accCi95High, nllMean, eceMean, pVsSgd,
                Double.NaN, Double.NaN, Double.NaN);
    }
}
