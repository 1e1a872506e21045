package org.swa4j.models.pyramidnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;

class PyramidNetTest {

    /** Trainable parameters of a bottleneck PyramidNet, counted independently of the builder. */
    private static long params(int depth, int alpha, int classes) {
        int n = (depth - 2) / 9;
        double add = alpha / (3.0 * n);
        double dim = 16;
        long total = 3 * 16 * 9 + 2 * 16;
        int in = 16;
        for (int k = 0; k < 3 * n; k++) {
            dim += add;
            int p = new BigDecimal(dim).setScale(0, RoundingMode.HALF_EVEN).intValue();
            total += 2L * in + (long) in * p + 2L * p + 9L * p * p + 2L * p + 4L * p * p + 2L * 4 * p;
            in = 4 * p;
        }
        return total + 2L * in + (long) in * classes + classes;
    }

    @Test
    void countsMatchTheFormula() {
        assertEquals(params(272, 200, 10), Models.info("pyramidnet272_a200").params10());
        assertEquals(params(110, 48, 100), Models.info("pyramidnet110_a48").params100());
        // The last block has round(16 + alpha) planes: 4 x 216 = 864 features for alpha 200.
        var info = Models.info("pyramidnet272_a200");
        assertEquals(90L * 864 + 90, info.params100() - info.params10());
    }

    @Test
    void outputShapesAndRoundTrip() {
        // 100 classes: OutputShapesTest (shape inference over every named model's configuration).
        ComputationGraph g = Models.create("pyramidnet110_a48", 10, 3, 32, 32, 6);
        ModelTesting.assertRoundTrip(g, ModelTesting.randomImages(2, InputShape.CIFAR, 7));
    }

    @Test
    void zeroPaddedAddAddsTheShortcutIntoTheFirstChannels() {
        ZeroPaddedAddVertexImpl v = new ZeroPaddedAddVertexImpl(null, "sum", 0, DataType.DOUBLE);
        INDArray residual = Nd4j.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2).castTo(DataType.DOUBLE);
        INDArray shortcut = Nd4j.ones(DataType.DOUBLE, 2, 1, 2, 2).muli(100);
        v.setInputs(new INDArray[] {residual, shortcut});
        INDArray y = v.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 4; i++) {
                    double expected = residual.getDouble(n, c, i / 2, i % 2) + (c == 0 ? 100 : 0);
                    assertEquals(expected, y.getDouble(n, c, i / 2, i % 2));
                }
            }
        }
        INDArray eps = Nd4j.rand(DataType.DOUBLE, 2, 3, 2, 2);
        v.setEpsilon(eps);
        INDArray[] grads = v.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond();
        assertEquals(eps, grads[0]);
        assertEquals(eps.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)), grads[1]);
    }

    @Test
    void gradientCheckOfStridedAndPlainBlocks() {
        InputShape in = new InputShape(2, 4, 4);
        var conf = ModelTesting.tinyGraph(in, (g, x) -> {
            String y = PyramidNet.block(g, "b1", x, 2, 1, 2);
            return new Object[] {PyramidNet.block(g, "b2", y, 4, 2, 1), 8};
        });
        ModelTesting.assertGradientsMatch(conf, in);
    }

    @Test
    void rejectsImpossibleSpecs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.config("pyramidnet100_a48", 10, 3, 32, 32, 1));
        assertTrue(e.getMessage().contains("depth 100") && e.getMessage().contains("9n+2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.config("pyramidnet110_a48", 10, 3, 30, 32, 1));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PyramidNetSpec(110, -1, 10, InputShape.CIFAR));
    }
}
