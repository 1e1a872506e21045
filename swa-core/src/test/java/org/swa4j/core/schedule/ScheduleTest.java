package org.swa4j.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Expected values were computed by a separate Python transcription of the reference formulas
 * ({@code timgaripov/swa train.py schedule}, the paper's eq. 2, {@code dnn-mode-connectivity
 * utils.cyclic_learning_rate}, torch {@code SWALR}).
 */
class ScheduleTest {

    private static final double EPS = 1e-12;

    @Test
    void swaScheduleMatchesReferenceAtSampledEpochs() {
        SwaSchedule s = new SwaSchedule(0.05, 0.01, 161, 300);
        int[] epochs = {0, 80, 81, 100, 120, 144, 145, 146, 200};
        double[] expected = {0.05, 0.05, 0.04968944099378883, 0.03788819875776398, 0.025465838509316774,
            0.010559006211180123, 0.01, 0.01, 0.01};
        for (int i = 0; i < epochs.length; i++) {
            assertEquals(expected[i], s.valueAt(12345, epochs[i]), EPS, "epoch " + epochs[i]);
        }
        assertFalse(s.isAveragingEpoch(159));
        assertTrue(s.isAveragingEpoch(160));
    }

    @Test
    void sgdScheduleMatchesReferenceAtSampledEpochs() {
        SgdSchedule s = new SgdSchedule(0.1, 200);
        int[] epochs = {0, 100, 101, 150, 179, 180, 181, 199};
        double[] expected = {0.1, 0.1, 0.0987625, 0.03812500000000001, 0.0022375000000000034,
            0.0010000000000000009, 0.001, 0.001};
        for (int i = 0; i < epochs.length; i++) {
            assertEquals(expected[i], s.valueAt(0, epochs[i]), EPS, "epoch " + epochs[i]);
        }
    }

    @Test
    void cyclicScheduleMatchesPaperAtSampledIterations() {
        CyclicSchedule s = new CyclicSchedule(0.05, 0.001, 5);
        double[] expected = {0.04020000000000001, 0.0304, 0.020600000000000004, 0.010799999999999999, 0.001};
        for (int k = 0; k < 11; k++) {
            assertEquals(expected[k % 5], s.valueAt(k, 0), EPS, "iteration " + k);
            assertEquals(k % 5 == 4, s.isCycleEnd(k), "cycle end at " + k);
        }
        CyclicSchedule late = new CyclicSchedule(0.05, 0.001, 5, 3);
        assertEquals(0.05, late.valueAt(2, 0), EPS);
        assertEquals(0.04020000000000001, late.valueAt(3, 0), EPS);
        assertTrue(late.isCycleEnd(7));
        assertFalse(late.isCycleEnd(4));
    }

    @Test
    void fgeScheduleMatchesReferenceAtSampledIterations() {
        // 10 iterations per epoch, FGE starting at network epoch 160 (iteration 1600)
        FgeSchedule s = new FgeSchedule(0.05, 0.01, 4, 10, 160);
        int[][] epochAndStep = {{0, 0}, {0, 5}, {1, 0}, {1, 9}, {2, 0}, {3, 5}, {4, 0}};
        double[] expected = {0.05, 0.04000000000000001, 0.030000000000000002, 0.012000000000000002, 0.01,
            0.04000000000000001, 0.05};
        for (int i = 0; i < expected.length; i++) {
            int epoch = 160 + epochAndStep[i][0];
            int iteration = epoch * 10 + epochAndStep[i][1];
            assertEquals(expected[i], s.valueAt(iteration, epoch), EPS, "fge epoch " + epochAndStep[i][0]);
        }
        assertEquals(0.05, s.valueAt(100, 10), EPS, "before the FGE phase");
        assertTrue(s.isSnapshotEpoch(161));
        assertTrue(s.isSnapshotEpoch(165));
        assertFalse(s.isSnapshotEpoch(160));
        assertFalse(s.isSnapshotEpoch(163));
        assertFalse(s.isSnapshotEpoch(1));
    }

    @Test
    void fgeScheduleInIterationsByHand() {
        // cycle of 4: t = 0, 1/4, 1/2, 3/4 -> lr1, (lr1 + lr2) / 2, lr2, (lr1 + lr2) / 2; snapshots after k = 1, 5, ...
        FgeSchedule even = FgeSchedule.ofIterations(0.05, 0.01, 4, 0);
        double[] expected = {0.05, 0.03, 0.01, 0.03, 0.05, 0.03};
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], even.valueAt(k, 99), EPS, "iteration " + k);
            assertEquals(k == 1 || k == 5, even.isSnapshotIteration(k), "snapshot after " + k);
        }
        // odd cycle of 3 from iteration 6: t = 0, 1/3, 2/3 -> lr1, lr1/3 + 2 lr2/3 (both); snapshots after k = 6, 9
        FgeSchedule odd = FgeSchedule.ofIterations(0.05, 0.01, 3, 6);
        assertEquals(0.05, odd.valueAt(5, 0), EPS, "before the start");
        assertEquals(0.05, odd.valueAt(6, 0), EPS);
        assertEquals(0.05 / 3 + 0.02 / 3, odd.valueAt(7, 0), EPS);
        assertEquals(0.05 / 3 + 0.02 / 3, odd.valueAt(8, 0), EPS);
        assertEquals(0.05, odd.valueAt(9, 0), EPS);
        assertTrue(odd.isSnapshotIteration(6));
        assertTrue(odd.isSnapshotIteration(9));
        assertFalse(odd.isSnapshotIteration(3), "before the start");
        assertFalse(odd.isSnapshotIteration(7));
        assertThrows(IllegalStateException.class, () -> odd.isSnapshotEpoch(2));
    }

    @Test
    void theReferenceFormIsCyclesOfWholeEpochsCountedInIterations() {
        FgeSchedule epochs = new FgeSchedule(0.05, 0.01, 4, 10, 160);
        assertEquals(40, epochs.getCycleIterations());
        assertEquals(1600, epochs.getStartIteration());
        assertEquals(10, epochs.getIterationsPerEpoch());
        FgeSchedule iterations = FgeSchedule.ofIterations(0.05, 0.01, 40, 1600);
        for (int k = 1500; k < 2000; k++) {
            assertEquals(iterations.valueAt(k, 0), epochs.valueAt(k, k / 10), 0.0, "iteration " + k);
            assertEquals(iterations.isSnapshotIteration(k), epochs.isSnapshotIteration(k), "iteration " + k);
        }
        for (int e = 150; e < 200; e++) {
            // fge.py: a snapshot after epoch e when mod(e - 160, 4) + 1 == 2
            assertEquals(e >= 160 && (e - 160) % 4 + 1 == 2, epochs.isSnapshotEpoch(e), "epoch " + e);
            assertEquals(epochs.isSnapshotEpoch(e), epochs.isSnapshotIteration(e * 10 + 9), "epoch " + e);
        }
    }

    @Test
    void swaAnnealScheduleMatchesTorchSwalrClosedForm() {
        SwaAnnealSchedule cos = new SwaAnnealSchedule(0.1, 0.02, 10, 4, AnnealStrategy.COS);
        assertEquals(0.1, cos.valueAt(0, 9), EPS);
        assertEquals(0.1, cos.valueAt(0, 10), EPS);
        // t = 1/4: alpha = (1 - cos(pi/4)) / 2 = 0.14644660940672624
        assertEquals(0.02 * 0.14644660940672624 + 0.1 * (1 - 0.14644660940672624), cos.valueAt(0, 11), EPS);
        assertEquals(0.06, cos.valueAt(0, 12), EPS);
        assertEquals(0.02, cos.valueAt(0, 14), EPS);
        assertEquals(0.02, cos.valueAt(0, 40), EPS);
        SwaAnnealSchedule linear = new SwaAnnealSchedule(0.1, 0.02, 10, 4, AnnealStrategy.LINEAR);
        assertEquals(0.08, linear.valueAt(0, 11), EPS);
        SwaAnnealSchedule immediate = new SwaAnnealSchedule(0.1, 0.02, 10, 0, AnnealStrategy.COS);
        assertEquals(0.02, immediate.valueAt(0, 10), EPS);
        assertEquals(0.1, immediate.valueAt(0, 9), EPS);
    }

    private static List<ISchedule> all() {
        return List.of(new SwaSchedule(0.05, 0.01, 161, 300), new SgdSchedule(0.1, 200),
                new CyclicSchedule(0.05, 0.001, 5, 2), new FgeSchedule(0.05, 0.01, 4, 10, 160),
                FgeSchedule.ofIterations(0.05, 0.01, 3, 6),
                new SwaAnnealSchedule(0.1, 0.02, 10, 4, AnnealStrategy.LINEAR));
    }

    private static void assertSameValues(ISchedule expected, ISchedule actual) {
        assertEquals(expected, actual);
        for (int e = 0; e < 320; e += 7) {
            for (int it = e * 10; it < e * 10 + 10; it += 3) {
                assertEquals(expected.valueAt(it, e), actual.valueAt(it, e), 0.0, expected + " at " + it + "/" + e);
            }
        }
    }

    @Test
    void schedulesSurviveModelSerializerWithMultiLayerNetwork(@TempDir Path dir) throws Exception {
        for (ISchedule schedule : all()) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1)
                    .updater(new Nesterovs(schedule, 0.9)).list()
                    .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                    .layer(new OutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build())
                    .build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            File file = dir.resolve(schedule.getClass().getSimpleName() + ".zip").toFile();
            ModelSerializer.writeModel(net, file, true);
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
            Nesterovs updater = (Nesterovs) ((BaseLayer) restored.getLayer(0).conf().getLayer()).getIUpdater();
            assertSameValues(schedule, updater.getLearningRateSchedule());
            assertSameValues(schedule, ((Nesterovs) ((BaseLayer) MultiLayerConfiguration.fromJson(conf.toJson())
                    .getConf(1).getLayer()).getIUpdater()).getLearningRateSchedule());
        }
    }

    @Test
    void schedulesSurviveModelSerializerWithComputationGraph(@TempDir Path dir) throws Exception {
        for (ISchedule schedule : all()) {
            ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1)
                    .updater(new Sgd(schedule)).graphBuilder().addInputs("in")
                    .addLayer("d", new DenseLayer.Builder().nIn(3).nOut(4).build(), "in")
                    .addLayer("out", new OutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build(), "d")
                    .setOutputs("out").build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            File file = dir.resolve(schedule.getClass().getSimpleName() + "-cg.zip").toFile();
            ModelSerializer.writeModel(net, file, true);
            ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
            Sgd updater = (Sgd) ((BaseLayer) restored.getLayer("d").conf().getLayer()).getIUpdater();
            assertSameValues(schedule, updater.getLearningRateSchedule());
        }
    }

    @Test
    void scheduleCloneIsEqual() {
        for (ISchedule s : all()) {
            assertSameValues(s, s.clone());
        }
    }

    private static void assertRejected(String fragment, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
    }

    @Test
    void badArgumentsAreRejectedWithTheValueInTheMessage() {
        assertRejected("0.0", () -> new SwaSchedule(0.0, 0.01, 10, 20));
        assertRejected("-0.5", () -> new SwaSchedule(0.05, -0.5, 10, 20));
        assertRejected("NaN", () -> new SgdSchedule(Double.NaN, 20));
        assertRejected("21", () -> new SwaSchedule(0.05, 0.01, 21, 20));
        assertRejected("0", () -> new SwaSchedule(0.05, 0.01, 0, 20));
        assertRejected("cycle", () -> new CyclicSchedule(0.05, 0.01, 0));
        assertRejected("-1.0", () -> new CyclicSchedule(-1.0, 0.01, 3));
        assertRejected("a1=0.01", () -> new CyclicSchedule(0.01, 0.05, 3));
        assertRejected("cycle", () -> new FgeSchedule(0.05, 0.01, 0, 10, 0));
        assertRejected("3", () -> new FgeSchedule(0.05, 0.01, 3, 10, 0));
        assertRejected("iterationsPerEpoch", () -> new FgeSchedule(0.05, 0.01, 2, 0, 0));
        assertRejected("-2", () -> new FgeSchedule(0.05, 0.01, 2, 10, -2));
        assertRejected("got 1", () -> FgeSchedule.ofIterations(0.05, 0.01, 1, 0));
        assertRejected("-1", () -> FgeSchedule.ofIterations(0.05, 0.01, 4, -1));
        assertRejected("0.0", () -> FgeSchedule.ofIterations(0.0, 0.01, 4, 0));
        assertRejected("-0.1", () -> new SwaAnnealSchedule(0.1, -0.1, 0, 3, AnnealStrategy.COS));
        assertRejected("annealEpochs", () -> new SwaAnnealSchedule(0.1, 0.01, 0, -3, AnnealStrategy.COS));
        assertRejected("null", () -> new SwaAnnealSchedule(0.1, 0.01, 0, 3, null));
    }
}
