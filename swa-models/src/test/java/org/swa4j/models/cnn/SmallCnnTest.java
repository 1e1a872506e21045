package org.swa4j.models.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;
import org.swa4j.models.graph.GraphCost;

class SmallCnnTest {

    private static final InputShape FASHION = new InputShape(1, 28, 28);

    /** Trainable parameters of cnn<w> by hand: 3x3 convs (no bias), BN gamma+beta, dense. */
    private static long expectedParams(int w, int c, int k) {
        long convs = 9L * (c * w + w * w + w * 2L * w + 4L * w * w + 2L * w * 4 * w + 16L * w * w);
        long bn = 2L * (w + w + 2 * w + 2 * w + 4 * w + 4 * w);
        return convs + bn + 4L * w * k + k;
    }

    @Test
    void parameterCountsMatchTheFormula() {
        assertEquals(72_666, expectedParams(16, 1, 10)); // the formula itself, checked by hand once
        for (int w : new int[] {16, 32}) {
            for (int k : new int[] {10, 100}) {
                GraphCost cost = GraphCost.of(new SmallCnnSpec(w, k, FASHION).config(BuildSettings.of(1)), FASHION);
                assertEquals(expectedParams(w, 1, k), cost.trainableParams(), "cnn" + w + " k=" + k);
                assertEquals(2L * (2 * w + 4 * w + 8 * w), cost.runningStatistics());
            }
        }
    }

    @Test
    void multiplyAccumulatesMatchTheFormula() {
        // cnn16 on 1x28x28: stages at 28x28, 14x14, 7x7; dense 64 -> 10.
        long expected = 28 * 28 * 9L * (1 * 16 + 16 * 16) + 14 * 14 * 9L * (16 * 32 + 32 * 32)
                + 7 * 7 * 9L * (32 * 64 + 64 * 64) + 64 * 10;
        assertEquals(7_338_880L, expected);
        assertEquals(expected, Models.info("cnn16", FASHION).macsPerImage());
    }

    @Test
    void outputShapesFor10And100Classes() {
        for (int k : new int[] {10, 100}) {
            ModelTesting.assertOutputShape(Models.config("cnn16", k, 1, 28, 28, 3), FASHION, k);
            ModelTesting.assertOutputShape(Models.config("cnn32", k, 3, 32, 32, 3), InputShape.CIFAR, k);
        }
    }

    @Test
    void roundTripPredictsIdentically() {
        for (String name : new String[] {"cnn16", "cnn32"}) {
            ComputationGraph g = Models.create(name, 10, 1, 28, 28, 5);
            ModelTesting.assertRoundTrip(g, ModelTesting.randomImages(3, FASHION, 11));
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        ComputationGraph a = Models.create("cnn16", 10, 1, 28, 28, 5);
        ComputationGraph b = Models.create("cnn16", 10, 1, 28, 28, 5);
        ComputationGraph c = Models.create("cnn16", 10, 1, 28, 28, 6);
        assertEquals(a.params(), b.params());
        assertTrue(!a.params().equals(c.params()));
    }

    @Test
    void gradientCheckOfTheWholeTinyNetwork() {
        InputShape in = new InputShape(1, 8, 8);
        ModelTesting.assertGradientsMatch(new SmallCnnSpec(1, 3, in).config(ModelTesting.DOUBLE), in);
    }

    @Test
    void rejectsImpossibleSpecs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SmallCnnSpec(0, 10, FASHION));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SmallCnnSpec(16, 10, new InputShape(1, 7, 28)));
        assertTrue(e.getMessage().contains(">= 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SmallCnnSpec(16, 1, FASHION));
    }
}
