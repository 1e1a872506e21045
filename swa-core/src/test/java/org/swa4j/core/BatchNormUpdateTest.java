package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BatchNormUpdateTest {

    /** Running {mean, var} of a BN layer as stored (var from 10^(2 log10stdev) when log-std is used). */
    static double[][] stored(Layer bn) {
        double[] mean = bn.getParam("mean").toDoubleVector();
        INDArray var = bn.paramTable().get("var");
        double[] v;
        if (var != null) {
            v = var.toDoubleVector();
        } else {
            v = bn.getParam("log10stdev").toDoubleVector();
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.pow(10, 2 * v[i]);
            }
        }
        return new double[][] {mean, v};
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-4 * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    @Test
    void multiLayerNetworkStatisticsEqualDirectMomentsOfBatchNormInputs() {
        MultiLayerNetwork net = TestNets.mln(1);
        List<DataSet> batches = TestNets.batches(11, 8, 8, 3);
        // Expectation: the BN inputs from a training-mode feedForward of an identical copy, per batch.
        MultiLayerNetwork reference = net.clone();
        int[] bnLayers = {1, 4};
        List<List<double[][]>> perLayer = List.of(new ArrayList<>(), new ArrayList<>());
        List<Long> sizes = new ArrayList<>();
        for (DataSet b : batches) {
            List<INDArray> acts = reference.feedForward(b.getFeatures(), true);
            for (int k = 0; k < bnLayers.length; k++) {
                perLayer.get(k).add(Stats.moments(acts.get(bnLayers[k])));
            }
            sizes.add(b.getFeatures().size(0));
        }
        BatchNormUpdate.run(net, TestNets.iterator(batches));
        for (int k = 0; k < bnLayers.length; k++) {
            double[][] expected = Stats.weightedAverage(perLayer.get(k), sizes);
            double[][] actual = stored(net.getLayer(bnLayers[k]));
            assertClose(expected[0], actual[0], "mean of layer " + bnLayers[k]);
            assertClose(expected[1], actual[1], "var of layer " + bnLayers[k]);
        }
    }

    /**
     * The update keeps its workspace with the thread between calls: a second call over data of other
     * batch sizes (a larger first batch than the workspace was sized for) must give what a first
     * call gives on a fresh copy, and the network must train and predict normally afterwards.
     */
    @Test
    void repeatedUpdatesReuseTheirWorkspaceWithoutChangingResults() {
        ComputationGraph net = TestNets.graph(3);
        ComputationGraph fresh = net.clone();
        BatchNormUpdate.run(net, TestNets.iterator(TestNets.batches(20, 4, 4)));
        List<DataSet> second = TestNets.batches(21, 10, 3, 7);
        BatchNormUpdate.run(net, TestNets.iterator(second));
        BatchNormUpdate.run(fresh, TestNets.iterator(second));
        assertEquals(fresh.params(), net.params(), "second update == first update on a fresh copy");
        DataSet b = second.get(0);
        assertEquals(fresh.outputSingle(false, b.getFeatures()), net.outputSingle(false, b.getFeatures()));
        fresh.fit(b);
        net.fit(b);
        assertEquals(fresh.params(), net.params(), "training after the update is unaffected");
    }

    @Test
    void computationGraphStatisticsEqualDirectMomentsOfBatchNormInputs() {
        ComputationGraph net = TestNets.graph(2);
        List<DataSet> batches = TestNets.batches(12, 6, 6, 6, 4);
        ComputationGraph reference = net.clone();
        Map<String, String> inputOf = Map.of("bnIn", "in", "bn1", "conv", "bn2", "dense");
        Map<String, List<double[][]>> perLayer = Map.of("bnIn", new ArrayList<>(), "bn1", new ArrayList<>(),
                "bn2", new ArrayList<>());
        List<Long> sizes = new ArrayList<>();
        for (DataSet b : batches) {
            Map<String, INDArray> acts = reference.feedForward(new INDArray[] {b.getFeatures()}, true);
            for (String bn : inputOf.keySet()) {
                perLayer.get(bn).add(Stats.moments(acts.get(inputOf.get(bn))));
            }
            sizes.add(b.getFeatures().size(0));
        }
        BatchNormUpdate.run(net, TestNets.iterator(batches));
        for (String bn : inputOf.keySet()) {
            double[][] expected = Stats.weightedAverage(perLayer.get(bn), sizes);
            double[][] actual = stored(net.getLayer(bn));
            assertClose(expected[0], actual[0], "mean of " + bn);
            assertClose(expected[1], actual[1], "var of " + bn);
        }
    }

    /** Counts every listener callback. */
    static final class CountingListener extends BaseTrainingListener {
        int calls;

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            calls++;
        }

        @Override
        public void onEpochStart(Model model) {
            calls++;
        }

        @Override
        public void onEpochEnd(Model model) {
            calls++;
        }

        @Override
        public void onForwardPass(Model model, List<INDArray> activations) {
            calls++;
        }

        @Override
        public void onForwardPass(Model model, Map<String, INDArray> activations) {
            calls++;
        }

        @Override
        public void onGradientCalculation(Model model) {
            calls++;
        }

        @Override
        public void onBackwardPass(Model model) {
            calls++;
        }
    }

    private static boolean[] statMask(Model net) {
        boolean[] mask = new boolean[(int) net.numParams()];
        for (ParamLayout.Range r : ParamLayout.of(net).statistics()) {
            for (long i = r.offset(); i < r.offset() + r.length(); i++) {
                mask[(int) i] = true;
            }
        }
        return mask;
    }

    private static void assertRestored(Model net, Runnable fitOnce, Runnable setEpoch) {
        List<DataSet> batches = TestNets.batches(21, 5, 5, 5);
        fitOnce.run();
        setEpoch.run();
        CountingListener counter = new CountingListener();
        net.setListeners(counter);
        Collection<TrainingListener> listenersBefore = new ArrayList<>(listeners(net));
        double[] paramsBefore = net.params().toDoubleVector();
        INDArray updaterBefore = updaterState(net).dup();
        int iterationBefore = org.deeplearning4j.optimize.solvers.BaseOptimizer.getIterationCount(net);
        int epochBefore = org.deeplearning4j.optimize.solvers.BaseOptimizer.getEpochCount(net);
        ExistingDataSetIterator it = TestNets.iterator(batches);
        it.next(); // a caller may hand over a partly consumed iterator: the pass still covers every batch

        BatchNormUpdate.run(net, it);

        double[] paramsAfter = net.params().toDoubleVector();
        boolean[] stat = statMask(net);
        boolean statsChanged = false;
        for (int i = 0; i < paramsBefore.length; i++) {
            if (stat[i]) {
                statsChanged |= paramsBefore[i] != paramsAfter[i];
            } else {
                assertEquals(paramsBefore[i], paramsAfter[i], 0.0, "weight " + i + " changed");
            }
        }
        assertTrue(statsChanged, "running statistics should have been recomputed");
        assertEquals(updaterBefore, updaterState(net), "updater state changed");
        assertEquals(iterationBefore, org.deeplearning4j.optimize.solvers.BaseOptimizer.getIterationCount(net));
        assertEquals(epochBefore, org.deeplearning4j.optimize.solvers.BaseOptimizer.getEpochCount(net));
        assertEquals(new ArrayList<>(listenersBefore), new ArrayList<>(listeners(net)));
        assertSame(counter, listeners(net).iterator().next());
        assertEquals(0, counter.calls, "no listener may be called");
        assertTrue(it.hasNext());
        assertEquals(batches.get(0).getFeatures(), it.next().getFeatures(), "iterator is back at its start");
    }

    private static Collection<TrainingListener> listeners(Model net) {
        return net instanceof MultiLayerNetwork mln ? mln.getListeners() : ((ComputationGraph) net).getListeners();
    }

    private static INDArray updaterState(Model net) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.getUpdater().getStateViewArray();
        }
        return ((ComputationGraph) net).getUpdater().getStateViewArray();
    }

    @Test
    void multiLayerNetworkKeepsWeightsUpdaterCountersDecayListenersAndIteratorPosition() {
        MultiLayerNetwork net = TestNets.mln(3);
        double decay = ((BatchNormalization) net.getLayer(1).conf().getLayer()).getDecay();
        assertRestored(net, () -> net.fit(TestNets.batches(5, 7).get(0)), () -> net.setEpochCount(4));
        assertEquals(decay, ((BatchNormalization) net.getLayer(1).conf().getLayer()).getDecay());
        assertEquals(4, net.getEpochCount());
        assertNotEquals(0, net.getIterationCount());
    }

    @Test
    void computationGraphKeepsWeightsUpdaterCountersDecayListenersAndIteratorPosition() {
        ComputationGraph net = TestNets.graph(4);
        double decay = ((BatchNormalization) net.getLayer("bn2").conf().getLayer()).getDecay();
        assertRestored(net, () -> net.fit(TestNets.batches(6, 7).get(0)), () -> net.getConfiguration().setEpochCount(2));
        assertEquals(decay, ((BatchNormalization) net.getLayer("bn2").conf().getLayer()).getDecay());
        assertEquals(2, net.getConfiguration().getEpochCount());
    }

    @Test
    void zeroVarianceChannelGivesFiniteStatisticsAndOutputs() {
        // BN directly on a dense input whose first feature is constant: that channel has variance 0.
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).list()
                .layer(new BatchNormalization.Builder().nIn(3).nOut(3).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Nd4j.getRandom().setSeed(8);
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3);
            x.getColumn(0).assign(2.5);
            batches.add(new DataSet(x, Nd4j.zeros(DataType.FLOAT, 4, 2)));
        }
        BatchNormUpdate.run(net, TestNets.iterator(batches));
        double[] logStd = net.getLayer(0).getParam("log10stdev").toDoubleVector();
        for (double v : logStd) {
            assertTrue(Double.isFinite(v), "log10stdev " + v);
        }
        assertEquals(2.5, net.getLayer(0).getParam("mean").getDouble(0), 1e-6);
        assertTrue(Math.pow(10, 2 * logStd[0]) < 1e-30, "variance of the constant channel is ~0");
        INDArray out = net.output(batches.get(0).getFeatures());
        for (double v : out.data().asDouble()) {
            assertTrue(Double.isFinite(v), "output " + v);
        }
    }

    @Test
    void rejectsEmptyOrNullIteratorAndOtherModels() {
        MultiLayerNetwork net = TestNets.mln(5);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> BatchNormUpdate.run(net, new ExistingDataSetIterator(List.<DataSet>of())));
        assertTrue(empty.getMessage().contains("no batches"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchNormUpdate.run(net, null));
        IllegalArgumentException notNet = assertThrows(IllegalArgumentException.class,
                () -> BatchNormUpdate.run(null, TestNets.iterator(TestNets.batches(1, 2))));
        assertTrue(notNet.getMessage().contains("null"), notNet.getMessage());
    }

    @Test
    void fusedBatchNormLayerSuppliesItsOwnMoments() {
        MultiLayerNetwork net = FusedProbe.network(9);
        List<DataSet> batches = TestNets.batches(13, 4, 4);
        MultiLayerNetwork reference = net.clone();
        List<double[][]> perBatch = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (DataSet b : batches) {
            INDArray in = reference.feedForward(b.getFeatures(), true).get(FusedProbe.INDEX);
            double[][] m = Stats.moments(in);
            // the probe normalises 2x its input: mean doubles, variance quadruples
            for (int j = 0; j < m[0].length; j++) {
                m[0][j] *= 2;
                m[1][j] *= 4;
            }
            perBatch.add(m);
            sizes.add(4L);
        }
        BatchNormUpdate.run(net, TestNets.iterator(batches));
        double[][] expected = Stats.weightedAverage(perBatch, sizes);
        Layer probe = net.getLayer(FusedProbe.INDEX);
        assertTrue(probe instanceof FusedBatchNorm);
        assertClose(expected[0], probe.getParam("mean").toDoubleVector(), "fused mean");
        assertClose(expected[1], probe.getParam("var").toDoubleVector(), "fused var");
        assertFalse(AveragedModelTest.anyNonFinite(net.params()));
    }
}
