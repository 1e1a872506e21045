package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AveragedModelTest {

    static boolean anyNonFinite(INDArray a) {
        for (double v : a.toDoubleVector()) {
            if (!Double.isFinite(v)) {
                return true;
            }
        }
        return false;
    }

    /** Sets every parameter (weights and statistics) to seeded values in [-1, 1); returns them. */
    static double[] randomise(Model net, SplittableRandom rng) {
        double[] w = new double[(int) net.numParams()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        net.params().assign(Nd4j.createFromArray(w).castTo(DataType.FLOAT).reshape(net.params().shape()));
        return w;
    }

    static boolean[] statMask(Model net, ParamLayout.StatKind... kinds) {
        boolean[] mask = new boolean[(int) net.numParams()];
        for (ParamLayout.Range r : ParamLayout.of(net).statistics()) {
            for (ParamLayout.StatKind k : kinds) {
                if (r.stat() == k) {
                    for (long i = r.offset(); i < r.offset() + r.length(); i++) {
                        mask[(int) i] = true;
                    }
                }
            }
        }
        return mask;
    }

    static final ParamLayout.StatKind[] ALL_STATS = ParamLayout.StatKind.values();

    private static void swaEqualsArithmeticMean(Model net) {
        SplittableRandom rng = new SplittableRandom(42);
        AveragedModel swa = AveragedModel.swa(net);
        int k = 5;
        double[] sum = new double[(int) net.numParams()];
        double[] last = null;
        for (int j = 0; j < k; j++) {
            last = randomise(net, rng);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += last[i];
            }
            swa.update(net);
        }
        assertEquals(k, swa.count());
        double[] avg = swa.model().params().toDoubleVector();
        boolean[] stats = statMask(net, ALL_STATS);
        int nStats = 0;
        for (int i = 0; i < sum.length; i++) {
            if (stats[i]) {
                nStats++;
                assertEquals(last[i], avg[i], 0.0, "statistic " + i + " is copied from the live net");
            } else {
                assertEquals(sum[i] / k, avg[i], 1e-6, "weight " + i);
            }
        }
        assertEquals(ParamLayout.of(net).statistics().stream().mapToLong(ParamLayout.Range::length).sum(), nStats);
        assertEquals(net.getClass(), swa.model().getClass());
    }

    @Test
    void swaOfRandomWeightVectorsIsTheirArithmeticMeanMultiLayerNetwork() {
        swaEqualsArithmeticMean(TestNets.mln(1));
    }

    @Test
    void swaOfRandomWeightVectorsIsTheirArithmeticMeanComputationGraph() {
        swaEqualsArithmeticMean(TestNets.graph(1));
    }

    private static void emaEqualsClosedForm(Model net, double d, int k) {
        SplittableRandom rng = new SplittableRandom(7);
        AveragedModel ema = AveragedModel.ema(net, d);
        List<double[]> ws = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            ws.add(randomise(net, rng));
            ema.update(net);
        }
        // closed form: ema_K = d^(K-1) w_1 + sum_{j=2..K} (1 - d) d^(K-j) w_j
        double[] expected = new double[ws.get(0).length];
        for (int j = 1; j <= k; j++) {
            double coef = j == 1 ? Math.pow(d, k - 1) : (1 - d) * Math.pow(d, k - j);
            for (int i = 0; i < expected.length; i++) {
                expected[i] += coef * ws.get(j - 1)[i];
            }
        }
        double[] actual = ema.model().params().toDoubleVector();
        boolean[] stats = statMask(net, ALL_STATS);
        for (int i = 0; i < expected.length; i++) {
            if (!stats[i]) {
                assertEquals(expected[i], actual[i], 2e-6, "weight " + i);
            }
        }
    }

    @Test
    void emaEqualsItsClosedFormMultiLayerNetwork() {
        emaEqualsClosedForm(TestNets.mln(2), 0.7, 6);
    }

    @Test
    void emaEqualsItsClosedFormComputationGraph() {
        emaEqualsClosedForm(TestNets.graph(2), 0.9, 4);
    }

    /** The network shape AveragingBenchmark measures (one dense layer of 1000 x k parameters). */
    private static MultiLayerNetwork benchmarkShape() {
        return benchmarkShape(DataType.FLOAT);
    }

    static MultiLayerNetwork benchmarkShape(DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(1).dataType(type).list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(999).nOut(3).build()).build());
        net.init();
        return net;
    }

    @Test
    void benchmarkedSwaAndEmaUpdatesAreCorrectOnTheBenchmarkShape() {
        MultiLayerNetwork net = benchmarkShape();
        assertEquals(3000, net.numParams());
        swaEqualsArithmeticMean(net);
        emaEqualsClosedForm(benchmarkShape(), 0.999, 5);
    }

    @Test
    void doublePrecisionNetworksAreAveragedInDouble() {
        MultiLayerNetwork net = benchmarkShape(DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(5);
        AveragedModel swa = AveragedModel.swa(net);
        double[] sum = new double[(int) net.numParams()];
        for (int j = 0; j < 3; j++) {
            double[] w = new double[sum.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = rng.nextDouble() * 2 - 1;
                sum[i] += w[i];
            }
            net.params().assign(Nd4j.createFromArray(w).reshape(net.params().shape()));
            swa.update(net);
        }
        double[] avg = swa.model().params().toDoubleVector();
        assertEquals(DataType.DOUBLE, swa.model().params().dataType());
        for (int i = 0; i < avg.length; i++) {
            assertEquals(sum[i] / 3, avg[i], 1e-13, "weight " + i);
        }
    }

    @Test
    void emaStaysExactAcrossRenormalisationOfItsScale() {
        // d = 0.5 over 40 updates drives the internal scale 0.5^39 below 1e-10, forcing renormalisation.
        emaEqualsClosedForm(TestNets.mln(3), 0.5, 40);
    }

    private static void averagedStatistics(Model net) {
        SplittableRandom rng = new SplittableRandom(9);
        AveragedModel swa = AveragedModel.swa(net, BatchNormStatistics.AVERAGE);
        int k = 3;
        List<double[]> ws = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            ws.add(randomise(net, rng));
            swa.update(net);
        }
        double[] actual = swa.model().params().toDoubleVector();
        boolean[] logStd = statMask(net, ParamLayout.StatKind.LOG10_STD);
        for (int i = 0; i < actual.length; i++) {
            double expected = 0;
            if (logStd[i]) {
                // averaged as the variance it stands for, then stored back as log10(sqrt(var))
                for (double[] w : ws) {
                    expected += Math.pow(10, 2 * w[i]) / k;
                }
                expected = 0.5 * Math.log10(expected);
            } else {
                for (double[] w : ws) {
                    expected += w[i] / k;
                }
            }
            assertEquals(expected, actual[i], 1e-5, "parameter " + i);
        }
    }

    @Test
    void statisticsAveragedOnRequestMultiLayerNetwork() {
        averagedStatistics(TestNets.mln(4));
    }

    @Test
    void statisticsAveragedOnRequestComputationGraph() {
        averagedStatistics(TestNets.graph(4));
    }

    @Test
    void averageLivesOffTheLiveNetwork() {
        MultiLayerNetwork net = TestNets.mln(5);
        AveragedModel swa = AveragedModel.swa(net);
        assertEquals(0, swa.count());
        double[] initial = net.params().toDoubleVector();
        assertEquals(Nd4j.createFromArray(initial), Nd4j.createFromArray(swa.model().params().toDoubleVector()));
        swa.update(net);
        double[] held = swa.model().params().toDoubleVector();
        randomise(net, new SplittableRandom(1));
        assertEquals(Nd4j.createFromArray(held), Nd4j.createFromArray(swa.model().params().toDoubleVector()));
        assertSame(swa.model(), swa.model());
    }

    @Test
    void nonFiniteWeightsAreRejectedAndNeverFoldedIn() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            ComputationGraph net = TestNets.graph(6);
            AveragedModel swa = AveragedModel.swa(net);
            swa.update(net);
            randomise(net, new SplittableRandom(2));
            swa.update(net);
            double[] before = swa.model().params().toDoubleVector();
            net.getLayer("dense").getParam("W").putScalar(3, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> swa.update(net));
            assertTrue(e.getMessage().contains(String.valueOf(bad)) && e.getMessage().contains("W"), e.getMessage());
            assertEquals(2, swa.count());
            assertEquals(Nd4j.createFromArray(before), Nd4j.createFromArray(swa.model().params().toDoubleVector()));
        }
    }

    @Test
    void differentLayoutIsRejected() {
        MultiLayerNetwork net = TestNets.mln(7);
        AveragedModel swa = AveragedModel.swa(net);
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> swa.update(TestNets.graph(7)));
        assertTrue(kind.getMessage().contains("ComputationGraph"), kind.getMessage());
        ComputationGraph graph = TestNets.graph(8);
        AveragedModel graphAvg = AveragedModel.swa(graph);
        MultiLayerNetwork other = FusedProbe.network(8);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> swa.update(other));
        assertTrue(count.getMessage().contains(String.valueOf(other.numParams()))
                && count.getMessage().contains(String.valueOf(net.numParams())), count.getMessage());
        assertThrows(IllegalArgumentException.class, () -> graphAvg.update(net));
        assertThrows(IllegalArgumentException.class, () -> swa.update(null));
    }

    @Test
    void decayOutsideOpenUnitIntervalIsRejected() {
        MultiLayerNetwork net = TestNets.mln(9);
        for (double d : new double[] {0.0, 1.0, -0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AveragedModel.ema(net, d));
            assertTrue(e.getMessage().contains(String.valueOf(d)) && e.getMessage().contains("(0, 1)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> AveragedModel.swa(null));
    }

    @Test
    void saveAndLoadRoundTripExactly(@TempDir Path dir) throws Exception {
        for (BatchNormStatistics mode : BatchNormStatistics.values()) {
            ComputationGraph net = TestNets.graph(10);
            SplittableRandom rng = new SplittableRandom(3);
            AveragedModel<ComputationGraph> ema = AveragedModel.ema(net, 0.8, mode);
            for (int j = 0; j < 3; j++) {
                randomise(net, rng);
                net.getConfiguration().setIterationCount(10 + j);
                ema.update(net);
            }
            Path file = dir.resolve("avg-" + mode + ".bin");
            ema.save(file);
            AveragedModel<ComputationGraph> loaded = AveragedModel.load(file, TestNets.graph(99));
            assertEquals(3, loaded.count());
            assertEquals(12, loaded.lastIteration());
            assertEquals(AveragingRule.ema(0.8), loaded.rule());
            assertEquals(mode, loaded.statistics());
            assertEquals(ema.model().params(), loaded.model().params());
            // the accumulator and its scale are restored as held: both continue bit for bit
            for (int j = 0; j < 4; j++) {
                randomise(net, rng);
                ema.update(net);
                loaded.update(net);
                assertArrayEquals(ema.model().params().toDoubleVector(), loaded.model().params().toDoubleVector(),
                        mode + " after " + (j + 1) + " more updates");
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AveragedModel.load(file, TestNets.mln(1)));
            assertTrue(e.getMessage().contains("layout"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AveragedModel.load(file, TestNets.graph(1), AveragingRule.swa()));
            assertTrue(e.getMessage().contains("by rule ema(0.8), not swa"), e.getMessage());
        }
    }

    /** Polynomial-decay averaging with gamma = 1, a = 2 / (n + 2): avg_n = sum_i 2 i w_i / (n (n + 1)), by hand. */
    @Test
    void aRuleOfOnesOwnAveragesAsItSaysAndIsPassedAgainToLoad(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(5);
        AveragingRule polynomial = n -> 2.0 / (n + 2);
        AveragedModel<MultiLayerNetwork> avg = AveragedModel.of(net, polynomial);
        SplittableRandom rng = new SplittableRandom(9);
        int len = (int) net.params().length();
        double[] expected = new double[len];
        int n = 4;
        for (int i = 1; i <= n; i++) {
            randomise(net, rng);
            double[] w = net.params().toDoubleVector();
            for (int k = 0; k < len; k++) {
                expected[k] += 2.0 * i * w[k] / (n * (n + 1.0));
            }
            avg.update(net);
        }
        double[] actual = avg.model().params().toDoubleVector();
        boolean[] statistic = new boolean[len];
        for (ParamLayout.Range r : ParamLayout.of(net).statistics()) {
            for (long k = r.offset(); k < r.offset() + r.length(); k++) {
                statistic[(int) k] = true; // BatchNorm statistics are copied, not averaged
            }
        }
        int checked = 0;
        for (int k = 0; k < len; k++) {
            if (!statistic[k]) {
                assertEquals(expected[k], actual[k], 1e-5, "parameter " + k);
                checked++;
            }
        }
        assertTrue(checked > len / 2, "most parameters are weights: " + checked + " of " + len);
        Path file = dir.resolve("poly.bin");
        avg.save(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AveragedModel.load(file, TestNets.mln(1)));
        assertTrue(e.getMessage().contains("rule of its own"), e.getMessage());
        AveragedModel<MultiLayerNetwork> loaded = AveragedModel.load(file, TestNets.mln(1), polynomial);
        assertArrayEquals(actual, loaded.model().params().toDoubleVector());

        AveragedModel<MultiLayerNetwork> bad = AveragedModel.of(net, k -> 1.5);
        bad.update(net);
        e = assertThrows(IllegalArgumentException.class, () -> bad.update(net));
        assertTrue(e.getMessage().contains("weight of 1.5") && e.getMessage().contains("(0, 1]"), e.getMessage());
    }
}
