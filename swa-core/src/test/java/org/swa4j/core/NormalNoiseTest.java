package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ziggurat's draws against the normal distribution function (commons-math's, not the tables the
 * generator is built from). Every check allows 5 standard errors; the draws are seeded, so each check
 * either always passes or always fails.
 */
class NormalNoiseTest {

    private static final int DRAWS = 1 << 24;
    private static final int BINS = 200;
    private static final double R = 3.6541528853610088;

    /**
     * 2^24 draws: mean, variance and kurtosis; a chi-square over 200 bins of equal probability (199
     * degrees of freedom, mean 199, standard deviation 20); the mass beyond the ziggurat's base
     * layer edge r (the tail method) and beyond 4.5; and each sign half of the draws.
     */
    @Test
    void drawsAreStandardNormal() {
        NormalDistribution normal = new NormalDistribution(0, 1);
        double[] edges = new double[BINS - 1];
        for (int b = 0; b < edges.length; b++) {
            edges[b] = normal.inverseCumulativeProbability((b + 1.0) / BINS);
        }
        long[] counts = new long[BINS];
        long beyondR = 0;
        long beyond45 = 0;
        long negative = 0;
        double sum = 0;
        double sumSq = 0;
        double sumFourth = 0;
        double[] z = new double[NormalNoise.CHUNK];
        SplittableRandom seeds = new SplittableRandom(2024);
        for (int c = 0; c < DRAWS / NormalNoise.CHUNK; c++) {
            NormalNoise.gaussians(seeds.nextLong(), z, z.length);
            for (double x : z) {
                int at = Arrays.binarySearch(edges, x);
                counts[at >= 0 ? at + 1 : -at - 1]++;
                beyondR += Math.abs(x) > R ? 1 : 0;
                beyond45 += Math.abs(x) > 4.5 ? 1 : 0;
                negative += x < 0 ? 1 : 0;
                sum += x;
                sumSq += x * x;
                sumFourth += x * x * x * x;
            }
        }
        double n = DRAWS;
        assertEquals(0, sum / n, 5 / Math.sqrt(n), "mean");
        assertEquals(1, sumSq / n, 5 * Math.sqrt(2 / n), "variance");
        assertEquals(3, sumFourth / n, 5 * Math.sqrt(96 / n), "fourth moment (variance 105 - 9)");
        double chiSquare = 0;
        for (long k : counts) {
            double expected = n / BINS;
            chiSquare += (k - expected) * (k - expected) / expected;
        }
        assertTrue(chiSquare < 199 + 5 * Math.sqrt(2 * 199), "chi-square over " + BINS + " bins: " + chiSquare);
        expectFraction(2 * normal.cumulativeProbability(-R), beyondR, n, "beyond r");
        expectFraction(2 * normal.cumulativeProbability(-4.5), beyond45, n, "beyond 4.5");
        expectFraction(0.5, negative, n, "negative");
    }

    private static void expectFraction(double p, long count, double n, String what) {
        assertEquals(p * n, count, 5 * Math.sqrt(n * p * (1 - p)), what);
    }

    /** A vector of several chunks, the last one partial: chunk c holds s times the c-th stream's draws, in either type. */
    @Test
    void fillTakesChunkCFromStreamCWhicheverThreadFillsIt() {
        int n = 3 * NormalNoise.CHUNK + 17;
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.zeros(type, n);
            NormalNoise.fill(x, new SplittableRandom(3), 2.0);
            double[] filled = x.toDoubleVector();
            long[] seeds = NormalNoise.chunkSeeds(new SplittableRandom(3), n);
            assertEquals(4, seeds.length);
            double[] z = new double[NormalNoise.CHUNK];
            double sumSq = 0;
            for (int c = 0; c < seeds.length; c++) {
                int from = c * NormalNoise.CHUNK;
                int count = Math.min(NormalNoise.CHUNK, n - from);
                NormalNoise.gaussians(seeds[c], z, count);
                for (int i = 0; i < count; i++) {
                    double expected = type == DataType.FLOAT ? (float) (2.0 * z[i]) : 2.0 * z[i];
                    assertEquals(expected, filled[from + i], 0.0, type + " element " + (from + i));
                    sumSq += filled[from + i] * filled[from + i];
                }
            }
            // variance 4; standard error of the mean square 4 sqrt(2 / n)
            assertEquals(4.0, sumSq / n, 5 * 4 * Math.sqrt(2.0 / n), type.toString());
            INDArray again = Nd4j.zeros(type, n);
            NormalNoise.fill(again, new SplittableRandom(4), 2.0);
            assertTrue(!Arrays.equals(filled, again.toDoubleVector()), "another seed, other draws");
        }
    }

    @Test
    void fillRefusesBadArguments() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 10);
        assertThrows(IllegalArgumentException.class, () -> NormalNoise.fill(null, new SplittableRandom(1), 1));
        assertThrows(IllegalArgumentException.class, () -> NormalNoise.fill(x, null, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NormalNoise.fill(x, new SplittableRandom(1), Double.NaN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NormalNoise.fill(Nd4j.zeros(DataType.INT, 10), new SplittableRandom(1), 1));
        assertTrue(e.getMessage().contains("INT"), e.getMessage());
    }
}
