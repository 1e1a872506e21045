package org.swa4j.experiments.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.preset.Presets;

/** summary.csv of a small hand-made table of records. */
class SummaryTest {

    static RunRecord record(String method, int seed, String status, List<BudgetResult> results) {
        return new RunRecord(method, seed, status, status.equals(RunRecord.DIVERGED) ? 3 : null, Presets.load("quick"), null,
                List.of(), results);
    }

    @Test
    void rowsColumnsAndPValues() {
        List<RunRecord> records = new ArrayList<>();
        double[] sgd = {88.1, 88.5, 88.3};
        double[] swa = {88.9, 89.2, 88.8};
        for (int s = 0; s < 3; s++) {
            records.add(record("sgd", s + 1, RunRecord.FINISHED, List.of(new BudgetResult(1, 10, sgd[s], 0.3 + s * 0.01, 2.0))));
            records.add(record("swa", s + 1, RunRecord.FINISHED, List.of(new BudgetResult(1, 10, swa[s], 0.31, 1.0),
                    new BudgetResult(1.5, 15, swa[s] + 0.1, 0.29, 1.5))));
        }
        records.add(record("swa", 4, RunRecord.DIVERGED, List.of()));
        records.add(record("ema", 1, RunRecord.RUNNING, List.of(new BudgetResult(1, 10, 10.0, 9, 9))));
        List<SummaryRow> rows = Summary.rows(records);
        String csv = Summary.csv(rows);
        String[] lines = csv.split("\n");
        assertEquals("dataset,model,method,budget,n,acc_mean,acc_std,acc_ci95_low,acc_ci95_high,nll_mean,ece_mean,p_vs_sgd,"
                + "p_vs_sgd_budget1,p_paired_vs_sgd,p_paired_vs_sgd_budget1", lines[0], "the first twelve columns as before");
        assertEquals(4, lines.length, csv);
        // SGD: mean 88.3, std 0.2, CI 88.3 -/+ 0.496828 (see StatisticsTest); nll mean (0.30+0.31+0.32)/3; no p-value
        assertEquals("fashion-mnist-embedded,cnn8,sgd,1,3,88.3000,0.2000,87.8032,88.7968,0.31000,2.0000,,,,", lines[1]);
        // SWA at 1: Welch p 0.0161810 against SGD at 1 (StatisticsTest), the same against "budget 1"; paired by
        // seed, differences 0.8, 0.7, 0.5: p = 1 - sqrt(400/414) = 0.017054; the diverged seed 4 is not counted (n = 3)
        assertTrue(lines[2].startsWith("fashion-mnist-embedded,cnn8,swa,1,3,88.9667,0.2082,"), lines[2]);
        assertTrue(lines[2].endsWith(",0.31000,1.0000,0.016181,0.016181,0.017054,0.017054"), lines[2]);
        // SWA at 1.5 (accuracies 89.0, 89.3, 88.9): no SGD run at 1.5 budgets -> the same-budget p-values are empty;
        // against SGD at budget 1: Welch t = 0.766667 / 0.166667 = 4.6, df 3.99361, p = 0.010069 (SciPy ttest_ind);
        // paired, differences 0.9, 0.8, 0.6: t^2 = 529/7, p = 1 - sqrt(529/543) = 0.012976
        assertTrue(lines[3].startsWith("fashion-mnist-embedded,cnn8,swa,1.5,3,89.0667,"), lines[3]);
        assertTrue(lines[3].endsWith(",0.29000,1.5000,,0.010069,,0.012976"), lines[3]);
    }

    private static RunRecord multiswag(int seed, List<Integer> members, double accuracy) {
        return new RunRecord("multiswag", seed, RunRecord.FINISHED, null, Presets.load("quick"), null, List.of(),
                List.of(new BudgetResult(1.5, 15, accuracy, 0.2, 1.0)), new SwagProvenance(null, "test", null, members, "test"));
    }

    @Test
    void multiswagSeedsThatShareRunsGetNoIntervalAndNoPValue() {
        List<RunRecord> records = new ArrayList<>();
        double[] sgd = {88.1, 88.5, 88.3, 88.0};
        for (int s = 0; s < 4; s++) {
            records.add(record("sgd", s + 1, RunRecord.FINISHED, List.of(new BudgetResult(1, 10, sgd[s], 0.3, 2.0))));
        }
        // cyclic groups of M = 2 over 4 seeds: {1,2}, {2,3}, {3,4}, {4,1} share runs
        List<RunRecord> cyclic = new ArrayList<>(records);
        cyclic.add(multiswag(1, List.of(1, 2), 89.0));
        cyclic.add(multiswag(2, List.of(2, 3), 89.4));
        cyclic.add(multiswag(3, List.of(3, 4), 89.1));
        cyclic.add(multiswag(4, List.of(4, 1), 89.3));
        assertTrue(Summary.sharesRuns(cyclic, "multiswag"));
        SummaryRow shared = Summary.rows(cyclic).get(1);
        assertEquals("multiswag", shared.method());
        assertEquals(4, shared.n());
        assertEquals(89.2, shared.accMean(), 1e-12, "the mean still describes the four mixtures");
        for (double v : new double[] {shared.accCi95Low(), shared.accCi95High(), shared.pVsSgdBudget1(), shared.pPairedVsSgdBudget1()}) {
            assertTrue(Double.isNaN(v), "no interval or test over seeds that share runs: " + shared);
        }
        // disjoint groups {1,2} and {3,4} are independent: Welch's test of (89.0, 89.1) against the four SGD seeds,
        // t = 6.7834, df = 3.865, p = 0.002789 (SciPy 1.x stats.ttest_ind(..., equal_var=False))
        List<RunRecord> disjoint = new ArrayList<>(records);
        disjoint.add(multiswag(1, List.of(1, 2), 89.0));
        disjoint.add(multiswag(3, List.of(3, 4), 89.1));
        assertTrue(!Summary.sharesRuns(disjoint, "multiswag"));
        SummaryRow independent = Summary.rows(disjoint).get(1);
        assertEquals(0.002789, independent.pVsSgdBudget1(), 1e-6, independent.toString());
        assertTrue(Double.isFinite(independent.accCi95Low()));
    }

    @Test
    void budgetsPrintAsUsersWriteThem() {
        assertEquals("1", Summary.budget(1.0));
        assertEquals("1.25", Summary.budget(1.25));
        assertEquals("1.5", Summary.budget(1.5));
        assertEquals("0.5", Summary.budget(0.5));
    }
}
