package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class SwagTest {

    /** Moments, deviations and Sigma computed in double from the list of collected weight vectors. */
    private static final class ByHand {
        final double[] mean;
        final double[] meanOfSquares;
        final double[] variance;
        final List<double[]> lastDeviations; // oldest first
        final int rank;

        ByHand(List<double[]> ws, int rank) {
            int len = ws.get(0).length;
            this.rank = rank;
            mean = new double[len];
            meanOfSquares = new double[len];
            List<double[]> deviations = new ArrayList<>();
            double[] runningSum = new double[len];
            for (int i = 0; i < ws.size(); i++) {
                double[] w = ws.get(i);
                double[] d = new double[len];
                for (int k = 0; k < len; k++) {
                    runningSum[k] += w[k];
                    d[k] = w[k] - runningSum[k] / (i + 1); // deviation from the mean after including w_i
                    mean[k] += w[k] / ws.size();
                    meanOfSquares[k] += w[k] * w[k] / ws.size();
                }
                deviations.add(d);
            }
            variance = new double[len];
            for (int k = 0; k < len; k++) {
                variance[k] = meanOfSquares[k] - mean[k] * mean[k];
            }
            lastDeviations = rank == 0 ? List.of()
                    : deviations.subList(Math.max(0, deviations.size() - rank), deviations.size());
        }

        /** Sigma_ij = 1/2 (delta_ij var_i + sum_k D_ik D_jk / (m - 1)). */
        double sigma(int i, int j) {
            double s = i == j ? variance[i] : 0;
            int m = lastDeviations.size();
            if (m >= 2) {
                double low = 0;
                for (double[] d : lastDeviations) {
                    low += d[i] * d[j];
                }
                s += low / (m - 1);
            }
            return s / 2;
        }
    }

    private static List<double[]> collectRandom(Model net, Swag<?> swag, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<double[]> ws = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AveragedModelTest.randomise(net, rng);
            ws.add(net.params().toDoubleVector()); // the float-rounded values actually collected
            swag.collect(net);
        }
        return ws;
    }

    private static double[] params(Model net) {
        return net.params().toDoubleVector();
    }

    private static <T extends Model> void momentsEqualTheirDefinitions(T net, Swag<T> swag, int rank) {
        List<double[]> ws = collectRandom(net, swag, 5, 21);
        ByHand hand = new ByHand(ws, rank);
        boolean[] stats = AveragedModelTest.statMask(net, AveragedModelTest.ALL_STATS);
        assertEquals(5, swag.count());
        assertEquals(Math.min(5, rank), swag.held());
        double[] mean = swag.firstMoment().toDoubleVector();
        double[] variance = swag.variance().toDoubleVector();
        int checked = 0;
        for (int k = 0; k < mean.length; k++) {
            if (stats[k]) {
                continue;
            }
            // float values of magnitude <= 1 over 5 collections: a few ulps of 1 (6e-8 each)
            assertEquals(hand.mean[k], mean[k], 1e-6, "mean " + k);
            assertEquals(hand.variance[k], variance[k], 1e-6, "variance " + k);
            assertEquals(hand.meanOfSquares[k], variance[k] + mean[k] * mean[k], 1e-6, "second moment " + k);
            checked++;
        }
        assertTrue(checked > mean.length / 2, "weights checked: " + checked);
        if (rank > 0) {
            double[][] deviations = swag.deviationsOldestFirst().toDoubleMatrix();
            assertEquals(hand.lastDeviations.size(), deviations.length);
            for (int j = 0; j < deviations.length; j++) {
                for (int k = 0; k < mean.length; k++) {
                    if (!stats[k]) {
                        assertEquals(hand.lastDeviations.get(j)[k], deviations[j][k], 1e-6, "deviation " + j + " at " + k);
                    }
                }
            }
        }
        // the mean network: the weights' mean, the latest statistics exactly
        double[] written = params(swag.mean(swag.newNetwork()));
        double[] last = ws.get(ws.size() - 1);
        for (int k = 0; k < written.length; k++) {
            if (stats[k]) {
                assertEquals(last[k], written[k], 0.0, "statistic " + k + " is the latest");
            } else {
                assertEquals(hand.mean[k], written[k], 1e-6, "mean weight " + k);
            }
        }
    }

    @Test
    void lowRankMomentsAndLastKDeviationsAreTheirDefinitionsMultiLayerNetwork() {
        MultiLayerNetwork net = TestNets.mln(1);
        momentsEqualTheirDefinitions(net, Swag.lowRank(net, 3), 3);
    }

    @Test
    void lowRankMomentsAndLastKDeviationsAreTheirDefinitionsComputationGraph() {
        ComputationGraph net = TestNets.graph(1);
        momentsEqualTheirDefinitions(net, Swag.lowRank(net, 3), 3);
    }

    @Test
    void diagonalMomentsAreTheirDefinitions() {
        MultiLayerNetwork net = TestNets.mln(2);
        Swag<MultiLayerNetwork> swag = Swag.diagonal(net);
        momentsEqualTheirDefinitions(net, swag, 0);
        assertEquals(0, swag.held());
        assertEquals(0, swag.rank());
    }

    @Test
    void onDiskDeviationsAreTheSameAsInMemory(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(3);
        // blocks of 40 values per row, so that a sample reads the rows back in many blocks
        Swag<MultiLayerNetwork> disk = Swag.lowRankOnDisk(net, 3, dir, 3 * 40);
        momentsEqualTheirDefinitions(net, disk, 3);
        assertEquals(dir.resolve("swag-deviations.bin"), disk.deviationFile());
    }

    /**
     * In float, weights near 1 that vary by 1e-4 have a variance of about 3e-9, below the rounding of
     * the mean of squares (6e-8): the uncentred difference {@code sq - mean^2}, simulated here in float,
     * keeps no digit of it; the centred sum is within 1% (the deviations themselves carry a rounding of
     * about 1e-7 / 6e-5).
     */
    @Test
    void theVarianceOfWeightsFarFromZeroKeepsItsDigits() {
        MultiLayerNetwork net = AveragedModelTest.benchmarkShape(DataType.FLOAT);
        Swag<MultiLayerNetwork> swag = Swag.diagonal(net);
        SplittableRandom rng = new SplittableRandom(4);
        List<double[]> ws = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            double[] w = new double[(int) net.numParams()];
            for (int k = 0; k < w.length; k++) {
                w[k] = 1 + 1e-4 * (rng.nextDouble() * 2 - 1);
            }
            net.params().assign(Nd4j.createFromArray(w).castTo(DataType.FLOAT).reshape(net.params().shape()));
            ws.add(params(net));
            swag.collect(net);
        }
        ByHand hand = new ByHand(ws, 0);
        double[] variance = swag.variance().toDoubleVector();
        double centredError = 0;
        double uncentredError = 0;
        for (int k = 0; k < variance.length; k++) {
            double exact = 0;
            float sum = 0;
            float sumSq = 0;
            for (double[] w : ws) {
                exact += (w[k] - hand.mean[k]) * (w[k] - hand.mean[k]) / ws.size();
                sum += (float) w[k];
                sumSq += (float) w[k] * (float) w[k];
            }
            float mean = sum / ws.size();
            float uncentred = sumSq / ws.size() - mean * mean;
            assertEquals(exact, variance[k], 1e-2 * exact, "variance " + k);
            centredError += Math.abs(variance[k] - exact) / exact / variance.length;
            uncentredError += Math.abs(uncentred - exact) / exact / variance.length;
        }
        assertTrue(centredError < 2e-3 && uncentredError > 0.5, "mean relative error: centred " + centredError
                + ", uncentred in float " + uncentredError);
    }

    /**
     * The covariance of 20,000 draws against Sigma computed by hand. A sample variance of N Gaussian
     * draws with variance s2 has standard error s2 sqrt(2 / (N - 1)); a sample covariance,
     * sqrt((S_ii S_jj + S_ij^2) / (N - 1)); a sample mean, sqrt(S_ii / N). Every check allows 5
     * standard errors (a false failure once in 1.7 million per check; the test is seeded, so it either
     * always passes or always fails). The checked off-diagonal entries exceed 10 standard errors, so a
     * sampler without the low-rank term, or with a wrong factor on it or on the diagonal, fails.
     */
    private static <T extends Model> void drawsHaveCovarianceSigma(T net, Swag<T> swag, ByHand hand, double scale) {
        boolean[] stats = AveragedModelTest.statMask(net, AveragedModelTest.ALL_STATS);
        int len = stats.length;
        int draws = 20_000;
        // pairs of weights with the largest |Sigma_ij| among a fixed spread of candidates
        List<int[]> pairs = new ArrayList<>();
        if (hand.lastDeviations.size() >= 2) {
            List<int[]> candidates = new ArrayList<>();
            for (int i = 0; i < len; i += 7) {
                for (int j = i + 13; j < len; j += 29) {
                    if (!stats[i] && !stats[j]) {
                        candidates.add(new int[] {i, j});
                    }
                }
            }
            candidates.sort((a, b) -> Double.compare(Math.abs(hand.sigma(b[0], b[1])), Math.abs(hand.sigma(a[0], a[1]))));
            pairs.addAll(candidates.subList(0, 12));
        }
        double[] sum = new double[len];
        double[] sumSq = new double[len];
        double[] cross = new double[pairs.size()];
        T target = swag.newNetwork();
        SplittableRandom rng = new SplittableRandom(99);
        for (int s = 0; s < draws; s++) {
            double[] x = params(swag.sample(rng, scale, target));
            for (int k = 0; k < len; k++) {
                double c = x[k] - hand.mean[k];
                sum[k] += c;
                sumSq[k] += c * c;
            }
            for (int p = 0; p < pairs.size(); p++) {
                int[] ij = pairs.get(p);
                cross[p] += (x[ij[0]] - hand.mean[ij[0]]) * (x[ij[1]] - hand.mean[ij[1]]);
            }
        }
        double f = 2 * scale; // a draw's covariance is 2 scale Sigma
        int checked = 0;
        for (int k = 0; k < len; k++) {
            if (stats[k]) {
                continue;
            }
            double expected = f * hand.sigma(k, k);
            double mean = sum[k] / draws;
            double variance = (sumSq[k] - draws * mean * mean) / (draws - 1);
            assertEquals(0, mean, 5 * Math.sqrt(expected / draws), "sample mean of weight " + k);
            assertEquals(expected, variance, 5 * expected * Math.sqrt(2.0 / (draws - 1)), "variance of weight " + k);
            checked++;
        }
        assertTrue(checked > len / 2, "weights checked: " + checked);
        for (int p = 0; p < pairs.size(); p++) {
            int i = pairs.get(p)[0];
            int j = pairs.get(p)[1];
            double expected = f * hand.sigma(i, j);
            double se = Math.sqrt((f * hand.sigma(i, i) * f * hand.sigma(j, j) + expected * expected) / (draws - 1));
            assertTrue(Math.abs(expected) > 10 * se, "pair " + i + "," + j + " discriminates: " + expected + " vs SE " + se);
            double covariance = (cross[p] - sum[i] * sum[j] / draws) / (draws - 1);
            assertEquals(expected, covariance, 5 * se, "covariance of weights " + i + " and " + j);
        }
    }

    @Test
    void lowRankDrawsHaveCovarianceSigma() {
        MultiLayerNetwork net = TestNets.mln(5);
        Swag<MultiLayerNetwork> swag = Swag.lowRank(net, 4);
        List<double[]> ws = collectRandom(net, swag, 6, 8); // 6 collections, 4 deviations kept
        drawsHaveCovarianceSigma(net, swag, new ByHand(ws, 4), Swag.DEFAULT_SCALE);
    }

    @Test
    void diagonalDrawsHaveCovarianceVarianceAtScaleOne() {
        ComputationGraph net = TestNets.graph(6);
        Swag<ComputationGraph> swag = Swag.diagonal(net);
        List<double[]> ws = collectRandom(net, swag, 4, 9);
        drawsHaveCovarianceSigma(net, swag, new ByHand(ws, 0), 1.0);
    }

    @Test
    void scaleZeroIsTheMeanExactlyAndTheStatisticsAreTheLatest() {
        MultiLayerNetwork net = TestNets.mln(7);
        Swag<MultiLayerNetwork> swag = Swag.lowRank(net, 3);
        List<double[]> ws = collectRandom(net, swag, 4, 10);
        double[] mean = params(swag.mean(swag.newNetwork()));
        double[] zero = params(swag.sample(new SplittableRandom(1), 0.0, swag.newNetwork()));
        assertArrayEquals(mean, zero);
        double[] drawn = params(swag.sample(new SplittableRandom(1), swag.newNetwork()));
        boolean[] stats = AveragedModelTest.statMask(net, AveragedModelTest.ALL_STATS);
        int moved = 0;
        for (int k = 0; k < drawn.length; k++) {
            if (stats[k]) {
                assertEquals(ws.get(3)[k], drawn[k], 0.0, "statistic " + k);
            } else if (drawn[k] != mean[k]) {
                moved++;
            }
        }
        assertTrue(moved > drawn.length / 2, "weights moved by a draw: " + moved);
    }

    @Test
    void theSameSeedGivesTheSameSample() {
        ComputationGraph net = TestNets.graph(8);
        Swag<ComputationGraph> swag = Swag.lowRank(net, 3);
        collectRandom(net, swag, 5, 11);
        SplittableRandom a = new SplittableRandom(5);
        SplittableRandom b = new SplittableRandom(5);
        ComputationGraph first = swag.newNetwork();
        double[] a1 = params(swag.sample(a, first)).clone();
        double[] b1 = params(swag.sample(b, swag.newNetwork()));
        assertArrayEquals(a1, b1);
        assertSame(first, swag.sample(a, first));
        double[] a2 = params(first);
        assertArrayEquals(a2, params(swag.sample(b, swag.newNetwork())));
        assertFalse(java.util.Arrays.equals(a1, a2), "consecutive draws differ");
        assertFalse(java.util.Arrays.equals(a1, params(swag.sample(new SplittableRandom(6), swag.newNetwork()))));
    }

    /** One dense layer of 999 x 50 weights and 50 biases: 50,000 parameters, three chunks and part of a fourth. */
    private static MultiLayerNetwork severalChunks(DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(30).dataType(type).list()
                .layer(new DenseLayer.Builder().nIn(999).nOut(50).build()).build());
        net.init();
        assertTrue(net.numParams() > 3 * NormalNoise.CHUNK && net.numParams() < 4 * NormalNoise.CHUNK);
        return net;
    }

    /**
     * The passes over chunks, in float and double: the moments and deviations are their definitions in
     * every chunk, and a diagonal draw at scale 1, standardised by the mean and standard deviation
     * computed here, has mean 0 and variance 1 in every chunk (5 standard errors), with no correlation
     * between the first two chunks' noise (at most 5 / sqrt(CHUNK)).
     */
    @Test
    void collectionsAndDrawsAreRightInEveryChunk() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            MultiLayerNetwork net = severalChunks(type);
            momentsEqualTheirDefinitions(net, Swag.lowRank(net, 3), 3);
            Swag<MultiLayerNetwork> swag = Swag.diagonal(net);
            ByHand hand = new ByHand(collectRandom(net, swag, 4, 31), 0);
            double[] drawn = params(swag.sample(new SplittableRandom(32), 1.0, swag.newNetwork()));
            double[] standard = new double[drawn.length];
            for (int k = 0; k < drawn.length; k++) {
                standard[k] = (drawn[k] - hand.mean[k]) / Math.sqrt(hand.variance[k]);
            }
            for (int from = 0; from < standard.length; from += NormalNoise.CHUNK) {
                int count = Math.min(NormalNoise.CHUNK, standard.length - from);
                double sum = 0;
                double sumSq = 0;
                for (int k = from; k < from + count; k++) {
                    sum += standard[k];
                    sumSq += standard[k] * standard[k];
                }
                double mean = sum / count;
                assertEquals(0, mean, 5 / Math.sqrt(count), type + " chunk at " + from + ": mean");
                assertEquals(1, (sumSq - count * mean * mean) / (count - 1), 5 * Math.sqrt(2.0 / (count - 1)),
                        type + " chunk at " + from + ": variance");
            }
            double cross = 0;
            for (int k = 0; k < NormalNoise.CHUNK; k++) {
                cross += standard[k] * standard[k + NormalNoise.CHUNK];
            }
            assertEquals(0, cross / NormalNoise.CHUNK, 5 / Math.sqrt(NormalNoise.CHUNK), type + ": chunks 0 and 1 correlate");
        }
    }

    private static void restoredContinuesBitForBit(Swag<MultiLayerNetwork> original, Swag<MultiLayerNetwork> restored,
            MultiLayerNetwork net, Path file) throws Exception {
        SplittableRandom rng = new SplittableRandom(12);
        collectRandom(net, original, 5, 13);
        net.setIterationCount(40);
        original.collect(net);
        original.save(file);
        restored.restore(file);
        assertEquals(6, restored.count());
        assertEquals(40, restored.lastIteration());
        for (int step = 0; step < 4; step++) {
            assertEquals(original.count(), restored.count());
            assertArrayEquals(original.firstMoment().toDoubleVector(), restored.firstMoment().toDoubleVector(), "step " + step);
            assertArrayEquals(original.variance().toDoubleVector(), restored.variance().toDoubleVector(), "step " + step);
            assertArrayEquals(original.deviationsOldestFirst().ravel().toDoubleVector(),
                    restored.deviationsOldestFirst().ravel().toDoubleVector(), "step " + step);
            assertArrayEquals(params(original.sample(new SplittableRandom(step), original.newNetwork())),
                    params(restored.sample(new SplittableRandom(step), restored.newNetwork())), "sample at step " + step);
            AveragedModelTest.randomise(net, rng);
            original.collect(net);
            restored.collect(net);
        }
    }

    @Test
    void saveAndRestoreRoundTripExactlyAndCollectingOnIsBitIdentical(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(14);
        restoredContinuesBitForBit(Swag.lowRank(net, 3), Swag.lowRank(TestNets.mln(99), 3), net, dir.resolve("a.swag"));
        restoredContinuesBitForBit(Swag.diagonal(net), Swag.diagonal(TestNets.mln(98)), net,
                dir.resolve("b.swag"));
    }

    @Test
    void aStateSavedInMemoryRestoresOnDiskAndBack(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(15);
        restoredContinuesBitForBit(Swag.lowRank(net, 4), Swag.lowRankOnDisk(TestNets.mln(97), 4, dir.resolve("d1"), 4 * 50),
                net, dir.resolve("c.swag"));
        restoredContinuesBitForBit(Swag.lowRankOnDisk(net, 4, dir.resolve("d2")), Swag.lowRank(TestNets.mln(96), 4),
                net, dir.resolve("d.swag"));
    }

    @Test
    void restoreRefusesAnotherRankLayoutOrADamagedFile(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(16);
        Swag<MultiLayerNetwork> swag = Swag.lowRank(net, 3);
        collectRandom(net, swag, 4, 17);
        Path file = dir.resolve("state.swag");
        swag.save(file);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Swag.lowRank(net, 4).restore(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("rank K = 3")
                && e.getMessage().contains("rank K = 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Swag.diagonal(net).restore(file));
        assertTrue(e.getMessage().contains("diagonal"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Swag.lowRank(TestNets.graph(1), 3).restore(file));
        assertTrue(e.getMessage().contains("layout"), e.getMessage());

        byte[] bytes = Files.readAllBytes(file);
        Path header = dir.resolve("header.swag");
        byte[] damaged = bytes.clone();
        damaged[40] ^= 0x10; // inside the header (magic 12 bytes, version, rank, type, order, length, layout...)
        Files.write(header, damaged);
        Swag<MultiLayerNetwork> target = Swag.lowRank(net, 3);
        e = assertThrows(IllegalArgumentException.class, () -> target.restore(header));
        assertTrue(e.getMessage().contains(header.toString()), e.getMessage());

        Path data = dir.resolve("data.swag");
        damaged = bytes.clone();
        damaged[bytes.length - 100] ^= 0x01;
        Files.write(data, damaged);
        e = assertThrows(IllegalArgumentException.class, () -> target.restore(data));
        assertTrue(e.getMessage().contains("corrupted data"), e.getMessage());
        assertEquals(0, target.count(), "left empty after a data failure");

        Path truncated = dir.resolve("truncated.swag");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] head = new byte[(int) (raf.length() / 2)];
            raf.readFully(head);
            Files.write(truncated, head);
        }
        e = assertThrows(IllegalArgumentException.class, () -> target.restore(truncated));
        assertTrue(e.getMessage().contains("ends early"), e.getMessage());

        Path other = dir.resolve("average.bin");
        AveragedModel.swa(net).save(other);
        e = assertThrows(IllegalArgumentException.class, () -> target.restore(other));
        assertTrue(e.getMessage().contains("not a saved SWAG state"), e.getMessage());

        target.restore(file); // still usable after the refusals
        assertEquals(4, target.count());
        assertArrayEquals(swag.firstMoment().toDoubleVector(), target.firstMoment().toDoubleVector());
    }

    @Test
    void aCorruptedHeaderIsRefusedBeforeAnythingChanges(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(18);
        Swag<MultiLayerNetwork> swag = Swag.lowRank(net, 3);
        collectRandom(net, swag, 3, 19);
        Path file = dir.resolve("s.swag");
        swag.save(file);
        byte[] bytes = Files.readAllBytes(file);
        // every single-byte change in the header, checksum included, is refused
        int headerEnd = headerLength(bytes);
        Swag<MultiLayerNetwork> target = Swag.lowRank(net, 3);
        collectRandom(net, target, 2, 20);
        double[] before = target.firstMoment().toDoubleVector();
        for (int k = 0; k < headerEnd; k += 3) {
            byte[] damaged = bytes.clone();
            damaged[k] ^= 0x04;
            Path f = dir.resolve("h" + k);
            Files.write(f, damaged);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.restore(f), "byte " + k);
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            assertEquals(2, target.count(), "byte " + k);
        }
        assertArrayEquals(before, target.firstMoment().toDoubleVector());
    }

    /** Magic, version, rank, type, byte order, length, layout, count, iteration, epoch, CRC. */
    private static int headerLength(byte[] bytes) throws Exception {
        try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            in.readUTF();
            in.readInt();
            in.readInt();
            in.readUTF();
            in.readUTF();
            in.readLong();
            in.readUTF();
            in.readLong();
            in.readInt();
            in.readInt();
            in.readLong();
            return bytes.length - in.available();
        }
    }

    @Test
    void nonFiniteWeightsAreRejectedAndNeverCollected() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            ComputationGraph net = TestNets.graph(21);
            Swag<ComputationGraph> swag = Swag.lowRank(net, 3);
            collectRandom(net, swag, 2, 22);
            double[] mean = swag.firstMoment().toDoubleVector();
            double[] variance = swag.variance().toDoubleVector();
            double[] deviations = swag.deviationsOldestFirst().ravel().toDoubleVector();
            net.getLayer("dense").getParam("W").putScalar(3, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> swag.collect(net));
            assertTrue(e.getMessage().contains(String.valueOf(bad)) && e.getMessage().contains("W"), e.getMessage());
            assertEquals(2, swag.count());
            assertArrayEquals(mean, swag.firstMoment().toDoubleVector());
            assertArrayEquals(variance, swag.variance().toDoubleVector());
            assertArrayEquals(deviations, swag.deviationsOldestFirst().ravel().toDoubleVector());
        }
    }

    @Test
    void badInputIsRefusedWithTheValue(@TempDir Path dir) {
        MultiLayerNetwork net = TestNets.mln(23);
        for (int k : new int[] {1, 0, -3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Swag.lowRank(net, k));
            assertTrue(e.getMessage().contains("got " + k) && e.getMessage().contains(">= 2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Swag.lowRankOnDisk(net, k, dir));
        }
        assertThrows(IllegalArgumentException.class, () -> Swag.lowRank(null));
        assertThrows(IllegalArgumentException.class, () -> Swag.diagonal(null));
        assertThrows(IllegalArgumentException.class, () -> Swag.lowRankOnDisk(net, 3, null));
        Swag<MultiLayerNetwork> swag = Swag.lowRank(net, 3);
        assertThrows(IllegalStateException.class, () -> swag.sample(new SplittableRandom(1), net));
        assertThrows(IllegalStateException.class, () -> swag.mean(net));
        swag.collect(net);
        for (double scale : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> swag.sample(new SplittableRandom(1), scale, net));
            assertTrue(e.getMessage().contains(String.valueOf(scale)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> swag.sample(null, net));
        assertThrows(IllegalArgumentException.class, () -> swag.sample(new SplittableRandom(1), null));
        assertThrows(IllegalArgumentException.class, () -> swag.collect(null));
        assertThrows(IllegalArgumentException.class, () -> swag.mean(null));
        assertThrows(IllegalArgumentException.class, () -> swag.collector(null));
        assertThrows(IllegalArgumentException.class, () -> swag.save(null));
        assertThrows(IllegalArgumentException.class, () -> swag.restore(null));
        MultiLayerNetwork other = FusedProbe.network(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> swag.collect(other));
        assertTrue(e.getMessage().contains(String.valueOf(other.numParams())), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> swag.sample(new SplittableRandom(1), other));
        MultiLayerNetwork half = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.HALF).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).build()).build());
        half.init();
        e = assertThrows(IllegalArgumentException.class, () -> Swag.diagonal(half));
        assertTrue(e.getMessage().contains("HALF"), e.getMessage());
    }

    @Test
    void bytesCountWhatIsHeld(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(24);
        long n = net.numParams();
        long stats = ParamLayout.of(net).statistics().stream().mapToLong(ParamLayout.Range::length).sum();
        assertEquals((3 + 5) * n * 4 + stats * 4, Swag.lowRank(net, 5).bytes());
        assertEquals(3 * n * 4 + stats * 4, Swag.diagonal(net).bytes());
        Swag<MultiLayerNetwork> disk = Swag.lowRankOnDisk(net, 5, dir, 5 * 100);
        assertEquals(3 * n * 4 + stats * 4, disk.bytes());
        collectRandom(net, disk, 2, 25);
        assertEquals(2 * n * 4, disk.diskBytes());
        disk.sample(new SplittableRandom(1), disk.newNetwork());
        assertEquals(3 * n * 4 + stats * 4 + 5 * 100 * 4, disk.bytes(), "one block of 100 values per row");
        assertEquals(0, Swag.lowRank(net).diskBytes());
        assertNull(Swag.lowRank(net).deviationFile());
        assertEquals(Swag.DEFAULT_RANK, Swag.lowRank(net).rank());
    }

    @Test
    void theCollectorCollectsAtSwaEpochsAndSkipsThemOnResume() {
        MultiLayerNetwork net = TestNets.mln(26);
        Swag<MultiLayerNetwork> swag = Swag.lowRank(net, 3);
        net.addListeners(swag.collector(new AveragingListener.Trigger.EpochsFrom(2, 1)));
        net.fit(TestNets.iterator(TestNets.batches(27, 8, 8)), 3);
        assertEquals(2, swag.count());
        assertEquals(2, swag.lastEpoch());
        // resumed from a checkpoint taken before the epoch counter moved on: epoch 2 is held already
        net.setEpochCount(2);
        swag.collector(new AveragingListener.Trigger.EpochsFrom(2, 1)).onEpochEnd(net);
        assertEquals(2, swag.count());
        net.setEpochCount(3);
        swag.collector(new AveragingListener.Trigger.EpochsFrom(2, 1)).onEpochEnd(net);
        assertEquals(3, swag.count());
    }

    /**
     * What SwagBenchmark runs, on its network shape (one dense layer of 999 x k): collecting the same
     * weights again and again leaves their mean and no spread, and draws from weights w + a_k delta have
     * per-weight spread scale Var(a) delta^2 beyond a shift shared by all weights.
     */
    @Test
    void benchmarkedCollectAndSampleAreCorrectOnTheBenchmarkShape() {
        MultiLayerNetwork net = AveragedModelTest.benchmarkShape(DataType.FLOAT);
        double[] w = params(net);
        for (Swag<MultiLayerNetwork> swag : List.of(Swag.diagonal(net), Swag.lowRank(net))) {
            for (int i = 0; i < 25; i++) {
                swag.collect(net);
            }
            double[] mean = params(swag.mean(swag.newNetwork()));
            double[] drawn = params(swag.sample(new SplittableRandom(1), swag.newNetwork()));
            double scale = Math.abs(w[0]);
            for (double v : w) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int k = 0; k < w.length; k++) {
                assertEquals(w[k], mean[k], 1e-4 * scale, "mean " + k);
                assertEquals(w[k], drawn[k], 1e-4 * scale, "draw " + k);
            }
        }
        int count = 21;
        double varA = (count * count - 1) / 12.0; // population variance of a_k = 1..count
        for (Swag<MultiLayerNetwork> swag : List.of(Swag.diagonal(net), Swag.lowRank(net))) {
            double[] delta = collectAlongALine(swag, net, w, count, 5);
            double[] mean = params(swag.mean(swag.newNetwork()));
            double[] drawn = params(swag.sample(new SplittableRandom(3), 0.5, swag.newNetwork()));
            double spread = spreadOfStandardisedDraw(drawn, mean, delta);
            // the sample variance of n draws: standard error var sqrt(2 / (n - 1)); 5 of them allowed
            assertEquals(0.5 * varA, spread, 5 * 0.5 * varA * Math.sqrt(2.0 / (w.length - 1)), swag.rank() + " deviations");
        }
        net.params().assign(Nd4j.createFromArray(w).castTo(DataType.FLOAT).reshape(net.params().shape()));
    }

    /** Collects w + a_k delta for a_k = 1..count, delta_i = (0.5 + u_i) / 100 seeded; returns delta. */
    private static double[] collectAlongALine(Swag<?> swag, MultiLayerNetwork net, double[] w, int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] delta = new double[w.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = (0.5 + rng.nextDouble()) / 100;
        }
        for (int k = 1; k <= count; k++) {
            double[] x = new double[w.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = w[i] + k * delta[i];
            }
            net.params().assign(Nd4j.createFromArray(x).castTo(DataType.FLOAT).reshape(net.params().shape()));
            swag.collect(net);
        }
        return delta;
    }

    /** The sample variance over i of (draw_i - mean_i) / delta_i. */
    private static double spreadOfStandardisedDraw(double[] draw, double[] mean, double[] delta) {
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < draw.length; i++) {
            double r = (draw[i] - mean[i]) / delta[i];
            sum += r;
            sumSq += r * r;
        }
        return (sumSq - sum * sum / draw.length) / (draw.length - 1);
    }
}
