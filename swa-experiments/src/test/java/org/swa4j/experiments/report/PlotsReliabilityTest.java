package org.swa4j.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.Reliability;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.RunRecord;

/** The report's reliability diagram of a method: the finished seeds' diagrams at the largest budget, pooled, worked out by hand. */
class PlotsReliabilityTest {

    /** A diagram with {@code n} examples in bin {@code b} of mean confidence {@code conf} and accuracy {@code acc} (percent). */
    private static Reliability diagram(int b, long n, double conf, double acc) {
        List<Double> confidence = new ArrayList<>(Collections.nCopies(MetricsAccumulator.BINS, (Double) null));
        List<Double> accuracy = new ArrayList<>(Collections.nCopies(MetricsAccumulator.BINS, (Double) null));
        List<Long> count = new ArrayList<>(Collections.nCopies(MetricsAccumulator.BINS, 0L));
        confidence.set(b, conf);
        accuracy.set(b, acc);
        count.set(b, n);
        return new Reliability(confidence, accuracy, count);
    }

    private static RunRecord record(String method, int seed, String status, List<BudgetResult> results) {
        return new RunRecord(method, seed, status, null, null, null, List.of(), results);
    }

    @Test
    void theLargestBudgetOfTheFinishedSeedsPooled() {
        List<RunRecord> records = List.of(
                record("swag", 1, RunRecord.FINISHED, List.of(new BudgetResult(1, 2, 0, 0, 0, diagram(3, 9, 20, 10)),
                        new BudgetResult(1.5, 3, 0, 0, 0, diagram(7, 2, 50, 50)))),
                record("swag", 2, RunRecord.FINISHED, List.of(new BudgetResult(1.5, 3, 0, 0, 0, diagram(7, 6, 54, 100)))),
                record("swag", 3, RunRecord.RUNNING, List.of(new BudgetResult(1.5, 3, 0, 0, 0, diagram(0, 5, 5, 0)))),
                record("swa", 1, RunRecord.FINISHED, List.of(new BudgetResult(1.5, 3, 0, 0, 0, diagram(12, 4, 85, 0)))),
                record("sgd", 1, RunRecord.FINISHED, List.of(new BudgetResult(1, 2, 80, 0.5, 1))));
        Reliability swag = Plots.pooledReliability(records, "swag").orElseThrow();
        assertEquals(8L, swag.count().get(7), "2 + 6 examples in bin 7; seed 1's budget-1 bin 3 and running seed 3 left out");
        assertEquals((2 * 50 + 6 * 54) / 8.0, swag.confidence().get(7), 1e-12);
        assertEquals((2 * 50 + 6 * 100) / 8.0, swag.accuracy().get(7), 1e-12);
        assertEquals(8L, swag.examples());
        assertEquals(4L, Plots.pooledReliability(records, "swa").orElseThrow().count().get(12), "each method its own");
        assertTrue(Plots.pooledReliability(records, "sgd").isEmpty(), "records without diagrams draw none");
        assertTrue(Plots.pooledReliability(records, "multiswag").isEmpty());
    }
}
