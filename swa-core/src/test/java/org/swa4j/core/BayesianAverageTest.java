package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

class BayesianAverageTest {

    private static void fit(Model net, DataSet d) {
        if (net instanceof MultiLayerNetwork mln) {
            mln.fit(d);
        } else {
            ((ComputationGraph) net).fit(d);
        }
    }

    private static INDArray output(Model net, INDArray x) {
        return net instanceof MultiLayerNetwork mln ? mln.output(x, false) : ((ComputationGraph) net).output(false, x)[0];
    }

    /** A SWAG of 4 iterates along a short training run, so that every sample is a working network. */
    private static <T extends Model> Swag<T> trained(T net) {
        Swag<T> swag = Swag.lowRank(net, 3);
        List<DataSet> train = TestNets.batches(3, 8, 8);
        for (int i = 0; i < 4; i++) {
            fit(net, train.get(i % 2));
            swag.collect(net);
        }
        return swag;
    }

    /** Expected: the samples drawn one by one from the same generator, BN updated, outputs averaged in double. */
    private static <T extends Model> void streamedEqualsOneByOne(T net) {
        Swag<T> swag = trained(net);
        DataSetIterator bn = TestNets.iterator(TestNets.batches(5, 8, 8, 4));
        List<DataSet> test = TestNets.batches(6, 5, 3);
        int samples = 3;
        INDArray p = BayesianAverage.predict(swag, new SplittableRandom(11), 0.5, samples, bn, TestNets.iterator(test));

        SplittableRandom rng = new SplittableRandom(11);
        T one = swag.newNetwork();
        double[][] expected = new double[8][TestNets.CLASSES];
        for (int s = 0; s < samples; s++) {
            swag.sample(rng, 0.5, one);
            BatchNormUpdate.run(one, bn);
            int row = 0;
            for (DataSet batch : test) {
                INDArray out = output(one, batch.getFeatures());
                for (int i = 0; i < out.size(0); i++, row++) {
                    for (int c = 0; c < TestNets.CLASSES; c++) {
                        expected[row][c] += out.getDouble(i, c) / samples;
                    }
                }
            }
        }
        assertEquals(8, p.size(0));
        INDArray atMean = output(swag.mean(swag.newNetwork()), test.get(0).getFeatures());
        double largestGap = 0;
        for (int i = 0; i < 8; i++) {
            double rowSum = 0;
            for (int c = 0; c < TestNets.CLASSES; c++) {
                assertEquals(expected[i][c], p.getDouble(i, c), 1e-6, "row " + i + " class " + c);
                rowSum += p.getDouble(i, c);
                if (i < 5) {
                    largestGap = Math.max(largestGap, Math.abs(p.getDouble(i, c) - atMean.getDouble(i, c)));
                }
            }
            assertEquals(1.0, rowSum, 1e-5);
        }
        assertTrue(largestGap > 1e-3, "the average differs from the mean network's output: " + largestGap);
        assertArrayEquals(p.ravel().toDoubleVector(), BayesianAverage.predict(swag, new SplittableRandom(11), 0.5, samples,
                bn, TestNets.iterator(test)).ravel().toDoubleVector(), "deterministic given the seed");
    }

    @Test
    void streamedAverageIsTheMeanOfTheSamplesOutputsMultiLayerNetwork() {
        streamedEqualsOneByOne(TestNets.mln(1));
    }

    @Test
    void streamedAverageIsTheMeanOfTheSamplesOutputsComputationGraph() {
        streamedEqualsOneByOne(TestNets.graph(2));
    }

    /** Counts the batches read, so that the BatchNorm passes made can be counted. */
    private static final class CountingIterator extends ExistingDataSetIterator {
        private int batches;

        CountingIterator(List<DataSet> batches) {
            super(batches);
        }

        @Override
        public DataSet next() {
            batches++;
            return super.next();
        }
    }

    @Test
    void severalSetsShareOneBatchNormUpdatePerSampleAndEachEqualsItsOwnAverage() {
        ComputationGraph net = TestNets.graph(6);
        Swag<ComputationGraph> swag = trained(net);
        List<DataSet> bnBatches = TestNets.batches(5, 8, 8, 4);
        List<List<DataSet>> sets = List.of(TestNets.batches(6, 5, 3), TestNets.batches(7, 4), TestNets.batches(8, 6, 6, 1));
        CountingIterator bn = new CountingIterator(bnBatches);
        int samples = 3;
        List<INDArray> together = BayesianAverage.predict(swag, new SplittableRandom(21), 0.5, samples, bn,
                sets.stream().map(TestNets::iterator).toList());
        assertEquals(samples * bnBatches.size(), bn.batches, "one BatchNorm pass per sample, whatever the number of sets");
        assertEquals(sets.size(), together.size());
        for (int d = 0; d < sets.size(); d++) {
            INDArray alone = BayesianAverage.predict(swag, new SplittableRandom(21), 0.5, samples, TestNets.iterator(bnBatches),
                    TestNets.iterator(sets.get(d)));
            assertArrayEquals(alone.shape(), together.get(d).shape(), "set " + d);
            assertArrayEquals(alone.ravel().toDoubleVector(), together.get(d).ravel().toDoubleVector(), 0.0,
                    "set " + d + " with the others equals set " + d + " alone from the same generator state");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(swag,
                new SplittableRandom(1), 0.5, 2, bn, List.<DataSetIterator>of()));
        assertTrue(e.getMessage().contains("no evaluation set"), e.getMessage());
        DataSetIterator once = new ExistingDataSetIterator(TestNets.batches(6, 4).iterator());
        e = assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(swag, new SplittableRandom(1), 0.5, 2, bn,
                List.of(TestNets.iterator(sets.get(0)), once)));
        assertTrue(e.getMessage().contains("evaluation set 1") && e.getMessage().contains("cannot be reset"), e.getMessage());
    }

    @Test
    void theProgressHookHearsEachSampleOnceItHasPredictedAndChangesNothing() {
        MultiLayerNetwork net = TestNets.mln(7);
        Swag<MultiLayerNetwork> swag = trained(net);
        List<DataSet> bnBatches = TestNets.batches(5, 8, 3);
        List<DataSet> testBatches = TestNets.batches(6, 4, 2);
        CountingIterator bn = new CountingIterator(bnBatches);
        CountingIterator test = new CountingIterator(testBatches);
        int samples = 4;
        List<int[]> heard = new ArrayList<>();
        INDArray hooked = BayesianAverage.predict(swag, new SplittableRandom(3), 0.5, samples, bn, test,
                done -> heard.add(new int[] {done, bn.batches, test.batches}));
        assertEquals(samples, heard.size(), "one call per sample");
        for (int s = 0; s < samples; s++) {
            int done = s + 1;
            assertArrayEquals(new int[] {done, done * bnBatches.size(), done * testBatches.size()}, heard.get(s),
                    "call " + done + ": samples done, BatchNorm batches read, test batches read");
        }
        INDArray plain = BayesianAverage.predict(swag, new SplittableRandom(3), 0.5, samples, TestNets.iterator(bnBatches),
                TestNets.iterator(testBatches));
        assertArrayEquals(plain.ravel().toDoubleVector(), hooked.ravel().toDoubleVector(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(swag,
                new SplittableRandom(3), 0.5, samples, bn, test, null));
        assertTrue(e.getMessage().contains("afterSample"), e.getMessage());
    }

    @Test
    void theDefaultsDrawThirtySamplesAtScaleOneHalf() {
        MultiLayerNetwork net = TestNets.mln(3);
        Swag<MultiLayerNetwork> swag = trained(net);
        DataSetIterator bn = TestNets.iterator(TestNets.batches(5, 8));
        DataSetIterator test = TestNets.iterator(TestNets.batches(6, 4));
        assertArrayEquals(BayesianAverage.predict(swag, new SplittableRandom(1), 0.5, 30, bn, test).ravel().toDoubleVector(),
                BayesianAverage.predict(swag, new SplittableRandom(1), bn, test).ravel().toDoubleVector());
    }

    @Test
    void badInputIsRefusedWithTheValue() {
        MultiLayerNetwork net = TestNets.mln(4);
        Swag<MultiLayerNetwork> swag = trained(net);
        DataSetIterator bn = TestNets.iterator(TestNets.batches(5, 8));
        DataSetIterator test = TestNets.iterator(TestNets.batches(6, 4));
        SplittableRandom rng = new SplittableRandom(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BayesianAverage.predict(swag, rng, 0.5, 0, bn, test));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(swag, rng, -1, 3, bn, test));
        assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(null, rng, bn, test));
        assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(swag, null, bn, test));
        assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(swag, rng, null, test));
        assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(swag, rng, bn, null));
        DataSetIterator once = new ExistingDataSetIterator(TestNets.batches(6, 4).iterator());
        e = assertThrows(IllegalArgumentException.class, () -> BayesianAverage.predict(swag, rng, 0.5, 2, bn, once));
        assertTrue(e.getMessage().contains("cannot be reset"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> BayesianAverage.predict(Swag.lowRank(TestNets.mln(5), 3), rng, 0.5, 1, bn, test));
    }
}
