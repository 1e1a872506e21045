package org.swa4j.models.preresnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;

class PreResNetTest {

    /** Trainable parameters of a basic-block PreResNet, counted independently of the builder. */
    private static long basicParams(int depth, int classes) {
        int n = (depth - 2) / 6;
        long total = 3 * 16 * 9;
        int in = 16;
        for (int s = 0; s < 3; s++) {
            int planes = 16 << s;
            for (int b = 0; b < n; b++) {
                total += 2L * in + 9L * in * planes + 2L * planes + 9L * planes * planes;
                if (in != planes) {
                    total += (long) in * planes;
                }
                in = planes;
            }
        }
        return total + 2L * in + (long) in * classes + classes;
    }

    /** Trainable parameters of a bottleneck PreResNet (expansion 4), counted independently. */
    private static long bottleneckParams(int depth, int classes) {
        int n = (depth - 2) / 9;
        long total = 3 * 16 * 9;
        int in = 16;
        for (int s = 0; s < 3; s++) {
            int planes = 16 << s;
            for (int b = 0; b < n; b++) {
                total += 2L * in + (long) in * planes + 2L * planes + 9L * planes * planes + 2L * planes
                        + 4L * planes * planes;
                if (in != 4 * planes) {
                    total += 4L * in * planes;
                }
                in = 4 * planes;
            }
        }
        return total + 2L * in + (long) in * classes + classes;
    }

    @Test
    void preresnet164MatchesTheReferenceCounts() {
        assertEquals(1_703_258, bottleneckParams(164, 10));
        assertEquals(bottleneckParams(56, 10), Models.info("preresnet56").params10());
        assertEquals(1_703_258, Models.info("preresnet164").params10());
        assertEquals(1_726_388, Models.info("preresnet164").params100());
    }

    @Test
    void basicBlockCountsMatchTheFormula() {
        for (int depth : new int[] {20, 32}) {
            assertEquals(basicParams(depth, 10), Models.info("preresnet" + depth).params10());
            assertEquals(basicParams(depth, 100), Models.info("preresnet" + depth).params100());
        }
    }

    @Test
    void outputShapesAndRoundTrip() {
        for (int k : new int[] {10, 100}) {
            ModelTesting.assertOutputShape(Models.config("preresnet20", k, 3, 32, 32, 1), InputShape.CIFAR, k);
        }
        ComputationGraph g = Models.create("preresnet20", 10, 3, 32, 32, 9);
        ModelTesting.assertRoundTrip(g, ModelTesting.randomImages(2, InputShape.CIFAR, 4));
        // preresnet56: the bottleneck family member of preresnet164, at a third of its depth.
        ComputationGraph bottleneck = Models.create("preresnet56", 100, 3, 32, 32, 9);
        ModelTesting.assertRoundTrip(bottleneck, ModelTesting.randomImages(2, InputShape.CIFAR, 4));
    }

    @Test
    void gradientCheckBasicBlockWithProjection() {
        InputShape in = new InputShape(1, 4, 4);
        var g = ModelTesting.tinyGraph(in,
                (a, x) -> new Object[] {PreResNet.basicBlock(a, "b", x, 1, 2, 2), 2});
        ModelTesting.assertGradientsMatch(g, in);
    }

    @Test
    void gradientCheckBasicBlockWithIdentity() {
        InputShape in = new InputShape(2, 3, 3);
        var g = ModelTesting.tinyGraph(in,
                (a, x) -> new Object[] {PreResNet.basicBlock(a, "b", x, 2, 2, 1), 2});
        ModelTesting.assertGradientsMatch(g, in);
    }

    @Test
    void gradientCheckBottleneckBlocks() {
        InputShape in = new InputShape(2, 4, 4);
        var g = ModelTesting.tinyGraph(in, (a, x) -> {
            String y = PreResNet.bottleneckBlock(a, "b1", x, 2, 1, 2);
            return new Object[] {PreResNet.bottleneckBlock(a, "b2", y, 4, 1, 1), 4};
        });
        ModelTesting.assertGradientsMatch(g, in);
    }

    @Test
    void rejectsDepthsOutsideTheRules() {
        for (int depth : new int[] {21, 44, 50, 2, 0, -4}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new PreResNetSpec(depth, 10, InputShape.CIFAR));
            assertTrue(e.getMessage().contains(String.valueOf(depth)) && e.getMessage().contains("9n+2"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new PreResNetSpec(20, 10, new InputShape(3, 3, 32)));
        assertEquals(18, new PreResNetSpec(164, 10, InputShape.CIFAR).blocksPerStage());
        assertEquals(5, new PreResNetSpec(47, 10, InputShape.CIFAR).blocksPerStage());
    }
}
