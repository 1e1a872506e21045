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
        assertEquals("dataset,model,method,budget,n,acc_mean,acc_std,acc_ci95_low,acc_ci95_high,nll_mean,ece_mean,p_vs_sgd", lines[0]);
        assertEquals(4, lines.length, csv);
        // SGD: mean 88.3, std 0.2, CI 88.3 -/+ 0.496828 (see StatisticsTest); nll mean (0.30+0.31+0.32)/3; no p-value
        assertEquals("fashion-mnist-embedded,cnn8,sgd,1,3,88.3000,0.2000,87.8032,88.7968,0.31000,2.0000,", lines[1]);
        // SWA at 1: Welch p 0.0161810 against SGD at 1; the diverged seed 4 is not counted (n = 3)
        assertTrue(lines[2].startsWith("fashion-mnist-embedded,cnn8,swa,1,3,88.9667,0.2082,"), lines[2]);
        assertTrue(lines[2].endsWith(",0.31000,1.0000,0.016181"), lines[2]);
        // SWA at 1.5: no SGD run at 1.5 budgets -> empty p-value
        assertTrue(lines[3].startsWith("fashion-mnist-embedded,cnn8,swa,1.5,3,89.0667,"), lines[3]);
        assertTrue(lines[3].endsWith(","), lines[3]);
    }

    @Test
    void budgetsPrintAsUsersWriteThem() {
        assertEquals("1", Summary.budget(1.0));
        assertEquals("1.25", Summary.budget(1.25));
        assertEquals("1.5", Summary.budget(1.5));
        assertEquals("0.5", Summary.budget(0.5));
    }
}
