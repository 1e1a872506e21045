package org.swa4j.models.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.layers.fast.FusedLayerFactory;
import org.swa4j.models.preresnet.PreResNet;
import org.swa4j.models.preresnet.PreResNetSpec;

/**
 * {@link FlatGradientUpdater} takes DL4J's direct path and changes nothing else: an SGD step
 * follows the formula, training matches DL4J's own updater step for step (several updater
 * blocks, momentum state, BatchNorm running statistics), the state survives installation and
 * a save/restore.
 */
class FlatGradientUpdaterTest {

    private static final double LR = 0.05;
    private static final double WD = 1e-3;

    /** in(4) -> dense(6, tanh) -> softmax(3), double; L2 on weights only, as the models are trained. */
    private static ComputationGraph dense() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE)
                .updater(new Sgd(LR)).l2(WD)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("h", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /**
     * PreResNet-8 (fused layers, float) with Nesterov momentum and L2 on the convolutions, plain SGD
     * on BatchNorm: two updater configurations, so DL4J splits the parameters into several blocks.
     */
    private static ComputationGraph preresnet() {
        ComputationGraphConfiguration conf = PreResNet.config(new PreResNetSpec(8, 5, new InputShape(3, 8, 8)),
                new BuildSettings(new FusedLayerFactory(), 7, DataType.FLOAT));
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer layer) {
                if (layer instanceof BatchNormalization) {
                    layer.setIUpdater(new Sgd(LR));
                } else {
                    layer.setIUpdater(new Nesterovs(LR, 0.9));
                    layer.setRegularization(List.of(new L2Regularization(WD)));
                }
            }
        }
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static DataSet batch(long seed, DataType type, long n, long classes, long... featureShape) {
        Nd4j.getRandom().setSeed(seed);
        long[] shape = new long[featureShape.length + 1];
        shape[0] = n;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        INDArray x = Nd4j.randn(type, shape);
        INDArray y = Nd4j.zeros(type, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, (i * 7 + seed) % classes, 1);
        }
        return new DataSet(x, y);
    }

    private static void assertSameValues(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
                actual.castTo(DataType.DOUBLE).dup('c').data().asDouble(), tol, what);
    }

    @Test
    void sgdStepFollowsTheFormula() {
        ComputationGraph net = dense();
        ComputationGraph probe = net.clone();
        FlatGradientUpdater updater = (FlatGradientUpdater) FlatGradientUpdater.install(net).getUpdater();
        DataSet d = batch(3, DataType.DOUBLE, 5, 3, 4);

        probe.setInputs(d.getFeatures());
        probe.setLabels(d.getLabels());
        probe.computeGradientAndScore();
        net.fit(d);

        assertEquals(1, updater.directSteps(), "the step took DL4J's direct path");
        // DL4J sums the loss gradient over the batch and divides by n before the update;
        // L2 adds wd * W to weight gradients, not to biases: p' = p - lr * (g / n + wd * p)
        for (String key : List.of("h_W", "h_b", "out_W", "out_b")) {
            INDArray p = probe.getParam(key);
            INDArray g = probe.gradient().getGradientFor(key).div(5);
            if (key.endsWith("_W")) {
                g.addi(p.mul(WD));
            }
            assertSameValues(p.sub(g.mul(LR)), net.getParam(key), 1e-12, key);
        }
    }

    @Test
    void trainsExactlyAsDl4jsOwnUpdater() {
        ComputationGraph ours = preresnet();
        ComputationGraph dl4j = preresnet();
        dl4j.setParams(ours.params().dup());
        FlatGradientUpdater.install(ours);
        assertTrue(ours.getUpdater().getUpdaterBlocks().size() > 1, "several updater blocks");
        for (int step = 0; step < 3; step++) {
            DataSet d = batch(20 + step, DataType.FLOAT, 6, 5, 3, 8, 8);
            ours.fit(d);
            dl4j.fit(d);
        }
        assertEquals(3, ((FlatGradientUpdater) ours.getUpdater()).directSteps());
        assertSameValues(dl4j.params(), ours.params(), 0, "parameters, running statistics included");
        assertSameValues(dl4j.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray(), 0, "momentum");
        INDArray x = batch(30, DataType.FLOAT, 4, 5, 3, 8, 8).getFeatures();
        assertSameValues(dl4j.outputSingle(x), ours.outputSingle(x), 0, "predictions");
    }

    @Test
    void keepsTheStateItReplacesAndSurvivesSaveAndRestore() throws IOException {
        ComputationGraph ours = preresnet();
        ComputationGraph dl4j = preresnet();
        dl4j.setParams(ours.params().dup());
        for (int step = 0; step < 2; step++) {
            DataSet d = batch(40 + step, DataType.FLOAT, 6, 5, 3, 8, 8);
            ours.fit(d);
            dl4j.fit(d);
        }
        INDArray momentum = ours.getUpdater().getStateViewArray().dup();
        assertTrue(momentum.amaxNumber().doubleValue() > 0, "momentum has built up");
        FlatGradientUpdater.install(ours);
        assertSameValues(momentum, ours.getUpdater().getStateViewArray(), 0, "momentum kept on installation");

        DataSet d = batch(50, DataType.FLOAT, 6, 5, 3, 8, 8);
        ours.fit(d);
        dl4j.fit(d);
        assertSameValues(dl4j.params(), ours.params(), 0, "the step after installation");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(ours, bytes, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertSameValues(ours.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray(), 0,
                "updater state after restore");
        assertSameValues(ours.params(), restored.params(), 0, "parameters after restore");
    }

    @Test
    void installIsIdempotentAndNeedsAnInitialisedGraph() {
        ComputationGraph net = dense();
        FlatGradientUpdater.install(net);
        FlatGradientUpdater first = (FlatGradientUpdater) net.getUpdater();
        FlatGradientUpdater.install(net);
        assertSame(first, net.getUpdater());

        ComputationGraph uninitialised = new ComputationGraph(net.getConfiguration().clone());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FlatGradientUpdater.install(uninitialised));
        assertTrue(e.getMessage().contains("init()"), e.getMessage());
    }
}
