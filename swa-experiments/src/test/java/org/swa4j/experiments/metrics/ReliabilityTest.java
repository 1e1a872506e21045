package org.swa4j.experiments.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Json;

/** The reliability diagram of hand-made predictions, bin by bin; pooling; its JSON; old results without one. */
class ReliabilityTest {

    /**
     * Five predictions of three classes. Bin of confidence c: ceil(15 c) - 1, so 0.95 -> 14 (14.25), 0.94 -> 14
     * (14.1), 0.5 -> 7 (7.5), 0.34 -> 5 (5.1), 0.4 -> 5 (6.0 -> 6 - 1).
     */
    private static final double[][] P = {
        {0.95, 0.03, 0.02},   // label 0: right
        {0.03, 0.94, 0.03},   // label 2: wrong
        {0.25, 0.5, 0.25},    // label 1: right
        {0.34, 0.33, 0.33},   // label 0: right
        {0.3, 0.3, 0.4},      // label 0: wrong
    };
    private static final int[] Y = {0, 2, 1, 0, 0};

    @Test
    void binsOfHandMadePredictions() {
        MetricsAccumulator acc = new MetricsAccumulator();
        for (int i = 0; i < P.length; i++) {
            acc.add(P[i], Y[i]);
        }
        PredictionMetrics m = acc.result();
        Reliability r = m.reliability();
        List<Long> count = new ArrayList<>(Collections.nCopies(15, 0L));
        count.set(5, 2L);
        count.set(7, 1L);
        count.set(14, 2L);
        assertEquals(count, r.count());
        List<Double> confidence = new ArrayList<>(Collections.nCopies(15, (Double) null));
        List<Double> accuracy = new ArrayList<>(Collections.nCopies(15, (Double) null));
        confidence.set(5, 100 * (0.34 + 0.4) / 2);
        accuracy.set(5, 50.0);
        confidence.set(7, 50.0);
        accuracy.set(7, 100.0);
        confidence.set(14, 100 * (0.95 + 0.94) / 2);
        accuracy.set(14, 50.0);
        for (int b = 0; b < 15; b++) {
            if (confidence.get(b) == null) {
                assertNull(r.confidence().get(b), "bin " + b);
                assertNull(r.accuracy().get(b), "bin " + b);
            } else {
                assertEquals(confidence.get(b), r.confidence().get(b), 1e-12, "bin " + b);
                assertEquals(accuracy.get(b), r.accuracy().get(b), 1e-12, "bin " + b);
            }
        }
        // ECE = 2/5 |50 - 37| + 1/5 |100 - 50| + 2/5 |50 - 94.5| = 5.2 + 10 + 17.8 = 33
        assertEquals(33.0, m.ece(), 1e-9);
        assertEquals(m.ece(), r.ece(), 1e-9, "the diagram gives the ECE back");
        assertEquals(5, r.examples());
    }

    @Test
    void pooledDiagramsAreTheDiagramOfAllExamples() {
        MetricsAccumulator first = new MetricsAccumulator();
        MetricsAccumulator second = new MetricsAccumulator();
        MetricsAccumulator all = new MetricsAccumulator();
        for (int i = 0; i < P.length; i++) {
            (i < 2 ? first : second).add(P[i], Y[i]);
            all.add(P[i], Y[i]);
        }
        Reliability pooled = Reliability.pooled(List.of(first.result().reliability(), second.result().reliability()));
        Reliability direct = all.result().reliability();
        assertEquals(direct.count(), pooled.count());
        for (int b = 0; b < 15; b++) {
            if (direct.count().get(b) > 0) {
                assertEquals(direct.confidence().get(b), pooled.confidence().get(b), 1e-12);
                assertEquals(direct.accuracy().get(b), pooled.accuracy().get(b), 1e-12);
            }
        }
    }

    @Test
    void resultsCarryItInJsonAndOldResultsWithoutItStillLoad() throws Exception {
        MetricsAccumulator acc = new MetricsAccumulator();
        for (int i = 0; i < P.length; i++) {
            acc.add(P[i], Y[i]);
        }
        PredictionMetrics m = acc.result();
        BudgetResult b = new BudgetResult(1.5, 9, m.accuracy(), m.nll(), m.ece(), m.reliability());
        String json = Json.mapper().writeValueAsString(b);
        assertTrue(json.indexOf("\"reliability\"") > json.indexOf("\"ece\""), "after the existing fields: " + json);
        assertTrue(json.replaceAll("\\s", "").contains("\"count\":[0,0,0,0,0,2,0,1,0,0,0,0,0,0,2]"), json);
        assertTrue(json.replaceAll("\\s", "").contains("\"accuracy\":[null,null,null,null,null,50.0,null,100.0,"), json);
        assertEquals(List.of("confidence", "accuracy", "count"), fieldNames(Json.mapper().readTree(json).get("reliability")));
        assertEquals(b, Json.mapper().readValue(json, BudgetResult.class));
        BudgetResult old = Json.mapper().readValue("{\"budget\": 1.0, \"epochs\": 6, \"accuracy\": 80.5, \"nll\": 0.5, \"ece\": 1.2}",
                BudgetResult.class);
        assertEquals(new BudgetResult(1.0, 6, 80.5, 0.5, 1.2), old);
        assertNull(old.reliability());
    }

    @Test
    void refusesDiagramsOfAnotherShape() {
        List<Long> count = new ArrayList<>(Collections.nCopies(15, 0L));
        List<Double> none = new ArrayList<>(Collections.nCopies(15, (Double) null));
        assertEquals("reliability needs 15 bins, got 14 confidences, 15 accuracies and 15 counts",
                assertThrows(IllegalArgumentException.class, () -> new Reliability(none.subList(0, 14), none, count)).getMessage());
        count.set(3, 2L);
        assertEquals("reliability bin 3 has count 2, confidence null and accuracy null; an empty bin has neither value, a filled one "
                + "both", assertThrows(IllegalArgumentException.class, () -> new Reliability(none, none, count)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Reliability.pooled(List.of()));
    }

    private static List<String> fieldNames(com.fasterxml.jackson.databind.JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
