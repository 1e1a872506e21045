package org.swa4j.models.wrn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;
import org.swa4j.models.layers.StockLayerFactory;

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

    /**
     * torch's default Conv2d initialisation, as the reference runs (its {@code conv_init} is never
     * applied): weights {@code U(-b, b)}, {@code b = 1/sqrt(in k k)}, so every |w| <= b and the std is
     * {@code b / sqrt(3)} (asserted within 5 standard errors of a sample std, {@code b / sqrt(6 n)}
     * bounding it for a uniform); biases 0.
     */
    @Test
    void convolutionsStartAsTorchDefaults() {
        ComputationGraph g = Models.create("wrn16x4", 10, 3, 32, 32, 4);
        int convs = 0;
        for (var v : g.getConfiguration().getVertices().entrySet()) {
            if (v.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer c) {
                INDArray w = g.getParam(v.getKey() + "_W");
                long fanIn = c.getNIn() * c.getKernelSize()[0] * c.getKernelSize()[1];
                double bound = 1 / Math.sqrt(fanIn);
                double max = w.amaxNumber().doubleValue();
                assertTrue(max <= bound * (1 + 1e-6), v.getKey() + ": |w| up to " + max + ", above 1/sqrt(fanIn) = " + bound);
                double std = bound / Math.sqrt(3);
                assertEquals(std, w.stdNumber().doubleValue(), 5 * bound / Math.sqrt(6.0 * w.length()), v.getKey() + " std");
                assertEquals(0.0, g.getParam(v.getKey() + "_b").amaxNumber().doubleValue(), 0.0, v.getKey() + " bias");
                convs++;
            }
        }
        assertEquals(1 + 3 * 2 * 2 + 3, convs);
    }

    /** The reference's final BatchNorm has torch momentum 0.9 (DL4J decay 0.1); every other one 0.1 (0.9). */
    @Test
    void headBatchNormHasTheReferenceMomentum() {
        ComputationGraphConfiguration conf = Models.config("wrn16x4", 10, 3, 32, 32, 1);
        int others = 0;
        for (var v : conf.getVertices().entrySet()) {
            if (v.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization bn) {
                if (v.getKey().startsWith("head.")) {
                    assertEquals(0.1, bn.getDecay(), 0.0, v.getKey());
                } else {
                    assertEquals(0.9, bn.getDecay(), 0.0, v.getKey());
                    others++;
                }
            }
        }
        assertEquals(3 * 2 * 2, others);
    }

    /**
     * Why the convolution biases may start at 0 where torch draws them at random: every convolution's
     * output reaches the loss only through a BatchNorm, so in training mode the network computes the
     * same with any bias values.
     */
    @Test
    void convolutionBiasesDoNotChangeTheTrainingModeOutput() {
        InputShape in = new InputShape(3, 8, 8);
        ComputationGraph g = new ComputationGraph(new WideResNetSpec(10, 2, 10, in)
                .config(new BuildSettings(new StockLayerFactory(), 3, DataType.DOUBLE)));
        g.init();
        INDArray x = ModelTesting.randomImages(4, in, 9).castTo(DataType.DOUBLE);
        INDArray before = g.output(true, x)[0].dup();
        SplittableRandom r = new SplittableRandom(5);
        int biases = 0;
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            if (e.getKey().endsWith("_b") && !e.getKey().startsWith("output")) {
                for (long i = 0; i < e.getValue().length(); i++) {
                    e.getValue().putScalar(i, r.nextDouble(-1, 1));
                }
                biases++;
            }
        }
        assertEquals(1 + 3 * 2 + 3, biases);
        INDArray after = g.output(true, x)[0];
        assertTrue(before.equalsWithEps(after, 1e-9), "training-mode output changed with the conv biases:\n" + before + "\n" + after);
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
