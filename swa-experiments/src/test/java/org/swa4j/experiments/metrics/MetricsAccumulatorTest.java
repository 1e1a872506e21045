package org.swa4j.experiments.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Accuracy, NLL and ECE of small hand-worked examples. */
class MetricsAccumulatorTest {

    @Test
    void handWorkedExampleInSeparateBins() {
        // confidences 0.9 (right), 0.8 (wrong), 0.7 (right), 0.55 (wrong) fall in bins 13, 11, 10, 8 of 15:
        // ECE = (0.1 + 0.8 + 0.3 + 0.55) / 4 = 0.4375; NLL = -(ln .9 + ln .2 + ln .7 + ln .45) / 4
        MetricsAccumulator m = new MetricsAccumulator();
        m.add(Nd4j.createFromArray(new double[][] {{0.9, 0.1}, {0.8, 0.2}}), Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}}));
        m.add(Nd4j.createFromArray(new double[][] {{0.3, 0.7}, {0.45, 0.55}}), Nd4j.createFromArray(new double[][] {{0, 1}, {1, 0}}));
        PredictionMetrics r = m.result();
        assertEquals(4, r.examples());
        assertEquals(50.0, r.accuracy(), 1e-12);
        assertEquals(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.7) + Math.log(0.45)) / 4, r.nll(), 1e-6);
        assertEquals(43.75, r.ece(), 1e-4);
    }

    @Test
    void examplesSharingABinAreAveragedBeforeTheDifference() {
        // 0.9 (right) and 0.92 (wrong) share bin 13: |acc 0.5 - conf 0.91| * 2/2 = 0.41
        MetricsAccumulator m = new MetricsAccumulator();
        m.add(new double[] {0.9, 0.1}, 0);
        m.add(new double[] {0.92, 0.08}, 1);
        assertEquals(41.0, m.result().ece(), 1e-9);
        assertEquals(50.0, m.result().accuracy(), 1e-12);
    }

    @Test
    void rejectsBadInput() {
        MetricsAccumulator m = new MetricsAccumulator();
        assertThrows(IllegalArgumentException.class, m::result);
        assertThrows(IllegalArgumentException.class, () -> m.add(new double[] {0.5, 0.5}, 2));
        assertThrows(IllegalArgumentException.class, () -> m.add(new double[] {Double.NaN, 0.5}, 0));
        assertThrows(IllegalArgumentException.class,
                () -> m.add(Nd4j.createFromArray(new double[][] {{0.5, 0.5}}), Nd4j.createFromArray(new double[][] {{0.5, 0.5}})));
    }
}
