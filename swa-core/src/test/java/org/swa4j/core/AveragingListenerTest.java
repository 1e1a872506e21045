package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.swa4j.core.schedule.CyclicSchedule;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.core.schedule.SwaSchedule;

class AveragingListenerTest {

    /** Records the parameters after chosen iterations (0-based, as DL4J passes them) or epochs. */
    static final class Recorder extends BaseTrainingListener {
        final List<double[]> atIterations = new ArrayList<>();
        final List<double[]> atEpochs = new ArrayList<>();

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            atIterations.add(model.params().toDoubleVector());
        }

        @Override
        public void onEpochEnd(Model model) {
            atEpochs.add(model.params().toDoubleVector());
        }
    }

    private static void assertWeightsAreMeanOf(List<double[]> snapshots, AveragedModel avg, Model net) {
        boolean[] stats = AveragedModelTest.statMask(net, AveragedModelTest.ALL_STATS);
        double[] actual = avg.model().params().toDoubleVector();
        double[] last = snapshots.get(snapshots.size() - 1);
        for (int i = 0; i < actual.length; i++) {
            double mean = 0;
            for (double[] s : snapshots) {
                mean += s[i] / snapshots.size();
            }
            assertEquals(stats[i] ? last[i] : mean, actual[i], 1e-6, "parameter " + i);
        }
    }

    @Test
    void swaAveragesEveryCEpochsFromSwaStart() {
        MultiLayerNetwork net = TestNets.mln(1);
        AveragedModel swa = AveragedModel.swa(net);
        Recorder rec = new Recorder();
        net.setListeners(rec, AveragingListener.swa(swa, new SwaSchedule(0.05, 0.01, 3, 6), 2));
        net.fit(TestNets.iterator(TestNets.batches(2, 8, 8, 8)), 6);
        // 1-based epochs 3 and 5 are 0-based epochs 2 and 4
        assertEquals(6, rec.atEpochs.size());
        assertEquals(2, swa.count());
        assertWeightsAreMeanOf(List.of(rec.atEpochs.get(2), rec.atEpochs.get(4)), swa, net);
    }

    @Test
    void emaUpdatesEveryIterationOnAComputationGraph() {
        ComputationGraph net = TestNets.graph(2);
        double d = 0.6;
        AveragedModel ema = AveragedModel.ema(net, d);
        Recorder rec = new Recorder();
        net.setListeners(rec, AveragingListener.everyIteration(ema));
        net.fit(TestNets.iterator(TestNets.batches(3, 6, 6)), 2);
        int k = rec.atIterations.size();
        assertEquals(4, k);
        assertEquals(k, ema.count());
        boolean[] stats = AveragedModelTest.statMask(net, AveragedModelTest.ALL_STATS);
        double[] actual = ema.model().params().toDoubleVector();
        for (int i = 0; i < actual.length; i++) {
            if (stats[i]) {
                continue;
            }
            double expected = Math.pow(d, k - 1) * rec.atIterations.get(0)[i];
            for (int j = 2; j <= k; j++) {
                expected += (1 - d) * Math.pow(d, k - j) * rec.atIterations.get(j - 1)[i];
            }
            assertEquals(expected, actual[i], 1e-6, "parameter " + i);
        }
    }

    @Test
    void cyclicAveragesAtEachCycleEnd() {
        CyclicSchedule schedule = new CyclicSchedule(0.05, 0.005, 3);
        MultiLayerConfiguration conf = TestNets.mln(3).getLayerWiseConfigurations().clone();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (conf.getConf(i).getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
                b.setIUpdater(new Sgd(schedule));
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        AveragedModel swa = AveragedModel.swa(net);
        Recorder rec = new Recorder();
        net.setListeners(rec, AveragingListener.atCycleEnds(swa, schedule));
        net.fit(TestNets.iterator(TestNets.batches(4, 4, 4, 4, 4)), 2); // 8 iterations: cycle ends 2, 5
        assertEquals(8, rec.atIterations.size());
        assertEquals(2, swa.count());
        assertWeightsAreMeanOf(List.of(rec.atIterations.get(2), rec.atIterations.get(5)), swa, net);
        assertEquals(0.005, net.getLearningRate(0), 1e-12, "iteration 8 is 0-based 2 of the third cycle");
    }

    @Test
    void fgeSnapshotsAtCycleMinima() {
        MultiLayerNetwork net = TestNets.mln(4);
        SnapshotEnsemble ensemble = SnapshotEnsemble.inMemory(net);
        FgeSchedule schedule = new FgeSchedule(0.05, 0.01, 2, 2, 0);
        Recorder rec = new Recorder();
        net.setListeners(rec, AveragingListener.fgeSnapshots(ensemble, schedule));
        List<DataSet> batches = TestNets.batches(5, 4, 4);
        net.fit(TestNets.iterator(batches), 4); // snapshots after 0-based epochs 0 and 2
        assertEquals(2, ensemble.size());
        // the ensemble's prediction is that of the two recorded snapshots
        MultiLayerNetwork a = net.clone();
        a.params().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(rec.atEpochs.get(0)).castTo(a.params().dataType())
                .reshape(a.params().shape()));
        MultiLayerNetwork b = net.clone();
        b.params().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(rec.atEpochs.get(2)).castTo(b.params().dataType())
                .reshape(b.params().shape()));
        var x = batches.get(0).getFeatures();
        var expected = a.output(x).add(b.output(x)).div(2);
        assertTrue(expected.equalsWithEps(ensemble.predict(x), 1e-6));
    }

    /**
     * A loop that fits batch by batch (DL4J's epoch counter never moves there) asks the trigger with its
     * own epoch count: 1-based epochs 2 and 4 of swa_start 2, c 2.
     */
    @Test
    void aLoopOfItsOwnDrivesAnEpochTriggerWithItsOwnCount() {
        MultiLayerNetwork net = TestNets.mln(8);
        AveragedModel swa = AveragedModel.swa(net);
        AveragingListener listener = AveragingListener.swa(swa, 2, 2);
        List<DataSet> batches = TestNets.batches(9, 4, 4);
        List<double[]> folded = new ArrayList<>();
        for (int epoch = 0; epoch < 4; epoch++) {
            for (DataSet b : batches) {
                net.fit(b);
            }
            boolean fired = listener.afterEpoch(net, epoch);
            assertEquals(epoch == 1 || epoch == 3, fired, "epoch " + epoch);
            if (fired) {
                folded.add(net.params().toDoubleVector());
            }
        }
        assertEquals(0, net.getEpochCount(), "fit(DataSet) leaves DL4J's epoch counter at 0");
        assertEquals(2, swa.count());
        assertWeightsAreMeanOf(folded, swa, net);
    }

    /**
     * FGE on a cycle of 3 iterations counted from a branch point: snapshots after the loop's iterations
     * 0 and 3 (mod(k + 1, 3) == 1), into fge.py's running sum of predictions.
     */
    @Test
    void fgeSnapshotsOfACycleOfIterationsGoIntoPredictions() {
        MultiLayerNetwork net = TestNets.mln(10);
        List<DataSet> batches = TestNets.batches(11, 4, 4);
        INDArray x = Nd4j.vstack(batches.get(0).getFeatures(), batches.get(1).getFeatures());
        SnapshotPredictions predictions = SnapshotPredictions.on(TestNets.iterator(batches));
        AveragingListener listener = AveragingListener.fgeSnapshots(predictions, FgeSchedule.ofIterations(0.05, 0.01, 3, 0));
        List<INDArray> taken = new ArrayList<>();
        int k = 0;
        for (int epoch = 0; epoch < 3; epoch++) {
            for (DataSet b : batches) {
                net.fit(b);
                if (listener.afterIteration(net, k)) {
                    taken.add(net.output(x, false).castTo(DataType.DOUBLE));
                }
                k++;
            }
        }
        assertEquals(2, taken.size(), "after iterations 0 and 3 of 6");
        assertEquals(2, predictions.size());
        assertTrue(taken.get(0).add(taken.get(1)).div(2).equalsWithEps(predictions.mean(), 1e-6));
    }

    @Test
    void aPositionAlreadyAveragedIsNotFoldedInTwice() {
        MultiLayerNetwork net = TestNets.mln(6);
        AveragedModel swa = AveragedModel.swa(net);
        AveragingListener listener = AveragingListener.swa(swa, 1, 1);
        listener.onEpochEnd(net);
        listener.onEpochEnd(net); // e.g. a resumed run replaying the epoch the average already holds
        assertEquals(1, swa.count());
        net.setEpochCount(1);
        net.setIterationCount(5);
        listener.onEpochEnd(net);
        assertEquals(2, swa.count());
    }

    @Test
    void badArgumentsAreRejected() {
        MultiLayerNetwork net = TestNets.mln(7);
        AveragedModel swa = AveragedModel.swa(net);
        IllegalArgumentException start = assertThrows(IllegalArgumentException.class,
                () -> AveragingListener.swa(swa, 0, 1));
        assertTrue(start.getMessage().contains("0"), start.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> AveragingListener.swa(swa, 2, 0));
        assertTrue(c.getMessage().contains("c "), c.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AveragingListener.everyIteration(null));
        assertThrows(IllegalArgumentException.class, () -> AveragingListener.atCycleEnds(swa, null));
    }
}
