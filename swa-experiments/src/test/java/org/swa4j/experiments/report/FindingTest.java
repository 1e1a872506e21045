package org.swa4j.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.results.SummaryRow;

/** The report's opening sentence, written out by hand for hand-made summaries. */
class FindingTest {

    private static SummaryRow row(String method, double budget, int n, double acc, double pWelch1, double pPaired1) {
        return new SummaryRow("d", "m", method, budget, n, acc, 0.5, acc - 1, acc + 1, 0.4, 2.0, Double.NaN, pWelch1, Double.NaN,
                pPaired1);
    }

    @Test
    void namesTheBestMethodThePValuesAndWhichMethodsDiffer() {
        List<SummaryRow> summary = List.of(row("sgd", 1, 16, 81.55, Double.NaN, Double.NaN),
                row("ema", 1, 16, 81.45, 0.71, 0.60), row("fge", 1, 16, 80.90, 0.04, 0.01),
                row("swa", 1, 16, 81.60, 0.90, 0.80), row("swa", 1.5, 16, 82.40, 0.02, 0.003));
        assertEquals("SWA at 1.5 budgets reached 82.40% test accuracy against SGD's 81.55% (+0.85 points, 16 seeds; "
                + "paired t-test p = 0.003, Welch p = 0.020). Against SGD at one budget, at p < 0.05: significantly better: "
                + "SWA at 1.5 budgets (+0.85); significantly worse: FGE (-0.65); no significant difference: EMA (-0.10), SWA (+0.05).",
                Finding.of(summary));
    }

    @Test
    void multiswagIsNotRankedWithSingleRunsAndGetsItsOwnSentence() {
        List<SummaryRow> summary = List.of(row("sgd", 1, 5, 94.10, Double.NaN, Double.NaN),
                row("swa", 1.5, 5, 94.33, 0.013, 0.022), row("multiswag", 1.5, 5, 94.82, Double.NaN, Double.NaN));
        assertEquals("SWA at 1.5 budgets reached 94.33% test accuracy against SGD's 94.10% (+0.23 points, 5 seeds; "
                + "paired t-test p = 0.022, Welch p = 0.013). Against SGD at one budget, at p < 0.05: significantly better: "
                + "SWA at 1.5 budgets (+0.23). MULTISWAG at 1.5 budgets, which mixes the SWAG models of several seeds' runs "
                + "(so several runs' training), reached 94.82% (+0.72 points; no p-value: its seeds share runs).", Finding.of(summary));
    }

    @Test
    void withoutSignificantDifferencesOrPairedTestsItSaysSo() {
        List<SummaryRow> summary = List.of(row("sgd", 1, 3, 81.23, Double.NaN, Double.NaN),
                row("swa", 1.25, 3, 81.75, 0.2, Double.NaN));
        assertEquals("SWA at 1.25 budgets reached 81.75% test accuracy against SGD's 81.23% (+0.52 points, 3 seeds; Welch p = 0.200). "
                + "Against SGD at one budget, at p < 0.05: no method is significantly better; no significant difference: "
                + "SWA at 1.25 budgets (+0.52).", Finding.of(summary));
        List<SummaryRow> sgdBest = List.of(row("sgd", 1, 8, 88.51, Double.NaN, Double.NaN), row("ema", 1, 8, 88.33, 0.058, 0.0036),
                row("swa", 1.5, 8, 88.25, 0.041, 0.022));
        assertEquals("SGD reached 88.51% test accuracy, above every other method; the closest, EMA, reached 88.33% (-0.18 points, "
                + "8 seeds; paired t-test p = 0.004, Welch p = 0.058). Against SGD at one budget, at p < 0.05: no method is "
                + "significantly better; significantly worse: EMA (-0.18), SWA at 1.5 budgets (-0.26).", Finding.of(sgdBest));
        assertEquals("Without an SGD run to compare with: SWA at 1.25 budgets reached 81.75% test accuracy (3 seeds).",
                Finding.of(List.of(summary.get(1))));
    }
}
