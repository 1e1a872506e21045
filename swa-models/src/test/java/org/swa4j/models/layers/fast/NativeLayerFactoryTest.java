package org.swa4j.models.layers.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.swa4j.models.layers.LayerFactories;
import org.swa4j.models.layers.LayerFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.swa4j.models.layers.StockLayerFactory;

/** The native and fused layers against the stock DL4J layers they replace. */
class NativeLayerFactoryTest {

    private static final int BATCH = 6;

    private static MultiLayerNetwork[] pair(String factory, DataType dt, org.nd4j.linalg.learning.config.IUpdater updater) {
        MultiLayerNetwork stock = TinyNets.cnn(new StockLayerFactory(), dt, updater, 7);
        MultiLayerNetwork fast = TinyNets.cnn(LayerFactories.byName(factory), dt, updater, 8);
        // random running statistics so that inference mode is exercised with non-trivial values
        for (int i = 0; i < stock.getnLayers(); i++) {
            stock.getLayer(i).paramTable().forEach((k, v) -> {
                if (k.equals("mean")) {
                    v.assign(org.nd4j.linalg.factory.Nd4j.rand(dt, v.shape()).subi(0.5));
                } else if (k.equals("var")) {
                    v.assign(org.nd4j.linalg.factory.Nd4j.rand(dt, v.shape()).addi(0.5));
                } else if (k.equals("gamma") || k.equals("beta")) {
                    v.assign(org.nd4j.linalg.factory.Nd4j.rand(dt, v.shape()).addi(0.5));
                }
            });
        }
        assertEquals(stock.numParams(), fast.numParams());
        fast.setParams(stock.params().dup());
        return new MultiLayerNetwork[] {stock, fast};
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": max abs difference " + diff + " > " + tol * scale);
    }

    private static void assertSameOutputsAndGradients(String factory, DataType dt, double tol) {
        MultiLayerNetwork[] nets = pair(factory, dt, new NoOp());
        INDArray x = TinyNets.input(dt, BATCH, 11);
        INDArray y = TinyNets.labels(dt, BATCH, 12);
        assertClose(nets[0].output(x, false), nets[1].output(x, false), tol, "inference output");
        assertClose(nets[0].output(x, true), nets[1].output(x, true), tol, "training-mode output");
        // The softmax of a freshly initialised net is nearly uniform and hides differences inside it
        // (a wrong BatchNorm shift in the first block changed it by 6e-6), so the activations after
        // the first conv-BN-ReLU block and the pooled features before the output layer are compared too.
        for (boolean training : new boolean[] {false, true}) {
            java.util.List<INDArray> a = nets[0].feedForward(x, training);
            java.util.List<INDArray> b = nets[1].feedForward(x, training);
            // stock and native: input, conv, BN, ReLU, ...; fused: input, conv-BN-ReLU, ...
            int block = factory.equals("fused") ? 1 : 3;
            assertClose(a.get(3), b.get(block), tol, "first block's output, training " + training);
            assertClose(a.get(a.size() - 2), b.get(b.size() - 2), tol, "pooled features, training " + training);
        }
        for (MultiLayerNetwork n : nets) {
            n.setInput(x);
            n.setLabels(y);
            n.computeGradientAndScore();
        }
        assertEquals(nets[0].score(), nets[1].score(), tol, "loss");
        INDArray gStock = nets[0].gradient().gradient();
        INDArray gFast = nets[1].gradient().gradient();
        assertClose(gStock, gFast, tol, "flat gradient (weights and running-statistics pseudo-gradients)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "fused"})
    void outputsAndGradientsEqualStockInDouble(String factory) {
        // Outputs agree to ~1e-13 in double; libnd4j's generic (non-OneDNN) batchnorm_bp loses about
        // 1e-7 relative precision in double (e.g. the bias gradient of a conv before BN is ~1e-8 instead
        // of ~1e-16), so gradients are compared at 1e-6 here and checked numerically in gradientCheckInDouble.
        assertSameOutputsAndGradients(factory, DataType.DOUBLE, 1e-6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "fused"})
    void outputsAndGradientsEqualStockInFloat(String factory) {
        assertSameOutputsAndGradients(factory, DataType.FLOAT, 1e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "fused"})
    void fitUpdatesWeightsAndRunningStatisticsLikeStock(String factory) {
        MultiLayerNetwork[] nets = pair(factory, DataType.FLOAT, new Sgd(0.1));
        for (int step = 0; step < 3; step++) {
            INDArray x = TinyNets.input(DataType.FLOAT, BATCH, 20 + step);
            INDArray y = TinyNets.labels(DataType.FLOAT, BATCH, 30 + step);
            nets[0].fit(x, y);
            nets[1].fit(x, y);
        }
        // same flat layout (stock conv + BN + ReLU = fused layer), so the flat vectors compare directly
        assertClose(nets[0].params(), nets[1].params(), 1e-4, "all parameters and running statistics after 3 fit steps");
        // the running mean must actually have moved from its start (decay 0.9 over three batches)
        MultiLayerNetwork fresh = pair(factory, DataType.FLOAT, new Sgd(0.1))[0];
        assertTrue(fresh.getLayer(1).getParam("mean").sub(nets[0].getLayer(1).getParam("mean")).amaxNumber().doubleValue() > 1e-3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "fused"})
    void gradientCheckInDouble(String factory) {
        DataType previous = org.nd4j.linalg.factory.Nd4j.defaultFloatingPointType();
        org.nd4j.linalg.factory.Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            checkGradients(LayerFactories.byName(factory));
        } finally {
            org.nd4j.linalg.factory.Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    private static void checkGradients(LayerFactory factory) {
        MultiLayerNetwork net = TinyNets.cnn(factory, DataType.DOUBLE, new NoOp(), 3);
        Set<String> excluded = new HashSet<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            for (String key : net.getLayer(i).paramTable().keySet()) {
                if (key.equals("mean") || key.equals("var")) {
                    excluded.add(i + "_" + key);
                }
            }
        }
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(TinyNets.input(DataType.DOUBLE, 4, 5)).labels(TinyNets.labels(DataType.DOUBLE, 4, 6))
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8).excludeParams(excluded)
                .subset(true).maxPerParam(12));
        assertTrue(ok, "gradient check of the native network");
    }

    @Test
    void serialisedNetworkReloadsWithNativeLayersAndPredictsIdentically() throws IOException {
        MultiLayerNetwork net = pair("native", DataType.FLOAT, new Sgd(0.1))[1];
        net.fit(TinyNets.input(DataType.FLOAT, BATCH, 40), TinyNets.labels(DataType.FLOAT, BATCH, 41));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(NativeConvolutionLayer.class, restored.getLayerWiseConfigurations().getConf(0).getLayer());
        assertInstanceOf(NativeConvolution.class, restored.getLayer(0));
        assertInstanceOf(NativeBatchNorm.class, restored.getLayer(1));
        assertInstanceOf(NativeSubsampling.class, restored.getLayer(3));
        assertEquals(net.params(), restored.params());
        INDArray x = TinyNets.input(DataType.FLOAT, BATCH, 42);
        assertEquals(net.output(x, false), restored.output(x, false));
    }

    @Test
    void serialisedFusedNetworkReloadsAndPredictsIdentically() throws IOException {
        MultiLayerNetwork net = pair("fused", DataType.FLOAT, new Sgd(0.1))[1];
        net.fit(TinyNets.input(DataType.FLOAT, BATCH, 40), TinyNets.labels(DataType.FLOAT, BATCH, 41));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        FusedConvBnReluLayer conf = assertInstanceOf(FusedConvBnReluLayer.class,
                restored.getLayerWiseConfigurations().getConf(0).getLayer());
        assertEquals(3, conf.getKernel());
        assertEquals(1e-5, conf.getEps());
        assertEquals(0.9, conf.getDecay());
        assertInstanceOf(FusedConvBnRelu.class, restored.getLayer(0));
        assertInstanceOf(FusedBnRelu.class, restored.getLayer(3));
        assertEquals(net.params(), restored.params());
        INDArray x = TinyNets.input(DataType.FLOAT, BATCH, 42);
        assertEquals(net.output(x, false), restored.output(x, false));
        // the restored network keeps training identically
        INDArray y = TinyNets.labels(DataType.FLOAT, BATCH, 43);
        net.fit(x, y);
        restored.fit(x, y);
        assertEquals(net.params(), restored.params());
    }

    @Test
    void fusedLastBatchMomentsAreTheMomentsOfTheConvolutionOutput() {
        MultiLayerNetwork[] nets = pair("fused", DataType.DOUBLE, new NoOp());
        INDArray x = TinyNets.input(DataType.DOUBLE, BATCH, 50);
        // stock layer 0 is the convolution; its activation is what the fused layer normalises
        INDArray z = nets[0].feedForwardToLayer(0, x, true).get(1);
        FusedConvBnRelu fused = (FusedConvBnRelu) nets[1].getLayer(0);
        assertThrows(IllegalStateException.class, fused::lastBatchMoments);
        nets[1].feedForwardToLayer(0, x, true);
        INDArray[] m = fused.lastBatchMoments();
        INDArray expectedMean = z.mean(0, 2, 3);
        INDArray centred = z.sub(expectedMean.reshape(1, z.size(1), 1, 1));
        INDArray expectedVar = centred.mul(centred).mean(0, 2, 3);
        assertClose(expectedMean, m[0].reshape(expectedMean.shape()), 1e-12, "batch mean");
        assertClose(expectedVar, m[1].reshape(expectedVar.shape()), 1e-12, "biased batch variance");
    }

    @Test
    void fusedLayerRejectsImpossibleSettings() {
        assertThrows(IllegalArgumentException.class, () -> new FusedConvBnReluLayer(0, 4, 3, 1, 1, 1e-5, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new FusedConvBnReluLayer(1, 4, 3, 1, -1, 1e-5, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new FusedConvBnReluLayer(1, 4, 3, 1, 1, 0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new FusedConvBnReluLayer(1, 4, 3, 1, 1, 1e-5, 1.0));
    }

    @Test
    void rejectsWhatTheNativePathDoesNotImplement() {
        ConvolutionLayer same = new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(1)
                .convolutionMode(ConvolutionMode.Same).build();
        assertThrows(IllegalArgumentException.class, () -> NativeConvolutionLayer.of(same));
        SubsamplingLayer pnorm = new SubsamplingLayer.Builder(PoolingType.PNORM).kernelSize(2, 2).stride(2, 2).pnorm(2).build();
        assertThrows(IllegalArgumentException.class, () -> NativeSubsamplingLayer.of(pnorm));
        org.deeplearning4j.nn.conf.layers.BatchNormalization logStd =
                new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().nOut(2).useLogStd(true).build();
        assertThrows(IllegalArgumentException.class, () -> NativeBatchNormalization.of(logStd));
    }
}
