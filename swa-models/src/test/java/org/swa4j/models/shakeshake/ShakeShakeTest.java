package org.swa4j.models.shakeshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;

class ShakeShakeTest {

    @Test
    void deterministicAtInferenceRandomInTrainingAndRoundTrips() {
        ComputationGraph g = Models.create("shakeshake26_2x32d", 10, 3, 32, 32, 8);
        INDArray x = ModelTesting.randomImages(2, InputShape.CIFAR, 9);
        INDArray first = g.outputSingle(false, x);
        assertEquals(10, first.size(1));
        assertEquals(first, g.outputSingle(false, x));
        assertNotEquals(g.outputSingle(true, x), g.outputSingle(true, x), "training passes draw new weights");
        ComputationGraph back = ModelTesting.assertRoundTrip(g, x);
        assertEquals(first, back.outputSingle(false, x));
        assertTrue(back.getVertex("stage1.block1.shake") instanceof ShakeShakeVertexImpl);
    }

    @Test
    void blocksHaveDistinctSeededVertices() {
        String a = Models.config("shakeshake26_2x32d", 10, 3, 32, 32, 1).toJson();
        String b = Models.config("shakeshake26_2x32d", 10, 3, 32, 32, 1).toJson();
        String c = Models.config("shakeshake26_2x32d", 10, 3, 32, 32, 2).toJson();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void gradientCheckOfProjectionAndIdentityBlocksWithFixedMixing() {
        InputShape in = new InputShape(1, 4, 4);
        var conf = ModelTesting.tinyGraph(in, (g, x) -> {
            String y = ShakeShake.block(g, "b1", x, 1, 2, 2, 11);
            return new Object[] {ShakeShake.block(g, "b2", y, 2, 2, 1, 12), 2};
        });
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        double[] w1 = {0.2, 0.7, 0.45, 0.9};
        double[] w2 = {0.6, 0.1, 0.35, 0.8};
        ((ShakeShakeVertexImpl) graph.getVertex("b1.shake")).useFixedMixing(w1, w1);
        ((ShakeShakeVertexImpl) graph.getVertex("b2.shake")).useFixedMixing(w2, w2);
        ModelTesting.assertGradientsMatch(graph, in);
    }

    @Test
    void rejectsImpossibleSpecs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.config("shakeshake27_2x32d", 10, 3, 32, 32, 1));
        assertTrue(e.getMessage().contains("depth 27") && e.getMessage().contains("6n+2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.config("shakeshake26_2x33d", 10, 3, 32, 32, 1));
        assertTrue(e.getMessage().contains("width 33"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ShakeShakeSpec(26, 32, 10, new InputShape(3, 2, 2)));
    }
}
