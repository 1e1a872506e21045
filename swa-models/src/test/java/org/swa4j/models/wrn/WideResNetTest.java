package org.swa4j.models.wrn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;

class WideResNetTest {

    /** Trainable parameters of wrn<depth>x<k>, counted independently (biased convolutions). */
    private static long params(int depth, int k, int classes) {
        int n = (depth - 4) / 6;
        long total = 3 * 16 * 9 + 16;
        int in = 16;
        for (int s = 0; s < 3; s++) {
            int out = (16 << s) * k;
            for (int b = 0; b < n; b++) {
                total += 2L * in + 9L * in * out + out + 2L * out + 9L * out * out + out;
                if (in != out || (s > 0 && b == 0)) {
                    total += (long) in * out + out;
                }
                in = out;
            }
        }
        return total + 2L * in + (long) in * classes + classes;
    }

    @Test
    void countsMatchTheFormulaAndTheReference() {
        assertEquals(36_489_290, params(28, 10, 10));
        assertEquals(params(16, 4, 10), Models.info("wrn16x4").params10());
        assertEquals(params(16, 4, 100), Models.info("wrn16x4").params100());
    }

    @Test
    void outputShapesAndRoundTrip() {
        // 10 classes: the round trip below; all named models: OutputShapesTest (shape inference).
        ModelTesting.assertOutputShape(Models.config("wrn16x4", 100, 3, 32, 32, 1), InputShape.CIFAR, 100);
        ComputationGraph g = Models.create("wrn16x4", 10, 3, 32, 32, 4);
        ModelTesting.assertRoundTrip(g, ModelTesting.randomImages(2, InputShape.CIFAR, 5));
    }

    @Test
    void gradientCheckBlocks() {
        InputShape in = new InputShape(1, 4, 4);
        var conf = ModelTesting.tinyGraph(in, (a, x) -> {
            String y = WideResNet.block(a, "b1", x, 1, 2, 2, 0.0);
            return new Object[] {WideResNet.block(a, "b2", y, 2, 2, 1, 0.0), 2};
        });
        ModelTesting.assertGradientsMatch(conf, in);
    }

    @Test
    void dropoutIsAddedOnlyWhenAsked() {
        var with = new WideResNetSpec(10, 1, 0.3, 10, InputShape.CIFAR)
                .config(org.swa4j.models.BuildSettings.of(1)).getVertices().keySet();
        var without = Models.config("wrn16x4", 10, 3, 32, 32, 1).getVertices().keySet();
        assertEquals(3, with.stream().filter(n -> n.endsWith(".dropout")).count(), with.toString());
        assertTrue(without.stream().noneMatch(n -> n.contains("dropout")), without.toString());
    }

    @Test
    void rejectsImpossibleSpecs() {
        for (int depth : new int[] {26, 8, 0}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new WideResNetSpec(depth, 10, 10, InputShape.CIFAR));
            assertTrue(e.getMessage().contains("depth " + depth) && e.getMessage().contains("6n+4"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.config("wrn28x0", 10, 3, 32, 32, 1));
        assertTrue(e.getMessage().contains("widening factor 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WideResNetSpec(28, 10, -0.1, 10, InputShape.CIFAR));
    }
}
