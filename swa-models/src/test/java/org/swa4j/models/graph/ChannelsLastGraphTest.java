package org.swa4j.models.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;
import org.swa4j.models.cnn.SmallCnn;
import org.swa4j.models.cnn.SmallCnnSpec;
import org.swa4j.models.layers.LayerFactory;
import org.swa4j.models.layers.StockLayerFactory;
import org.swa4j.models.layers.fast.FusedLayerFactory;
import org.swa4j.models.preresnet.PreResNet;
import org.swa4j.models.preresnet.PreResNetSpec;

/**
 * Graphs built for the fused factory run channels last (NHWC) and compute what the stock layers
 * compute in NCHW: same parameters, same outputs, gradients, BatchNorm running statistics and
 * training steps (float, at float tolerance). Graphs with a vertex that is not known to handle NHWC
 * stay NCHW.
 */
class ChannelsLastGraphTest {

    private static final double TOL = 2e-4;

    /** PreResNet-8 (one basic block per stage: identity shortcut, then two projections) on 3x8x8 input. */
    private static ComputationGraphConfiguration preresnet(LayerFactory f, long seed) {
        return PreResNet.config(new PreResNetSpec(8, 5, new InputShape(3, 8, 8)), new BuildSettings(f, seed, DataType.FLOAT));
    }

    private static ComputationGraphConfiguration cnn(LayerFactory f, long seed) {
        return SmallCnn.config(new SmallCnnSpec(4, 5, new InputShape(1, 12, 12)), new BuildSettings(f, seed, DataType.FLOAT));
    }

    private static ComputationGraph[] pair(Function<LayerFactory, ComputationGraphConfiguration> build) {
        ComputationGraph stock = new ComputationGraph(build.apply(new StockLayerFactory()));
        stock.init();
        ComputationGraph fused = new ComputationGraph(build.apply(new FusedLayerFactory()));
        fused.init();
        assertEquals(stock.numParams(), fused.numParams(), "same number of parameters");
        Map<String, INDArray> stockParams = stock.paramTable();
        if (stockParams.keySet().containsAll(fused.paramTable().keySet())) {
            // same layer names (PreResNet): copy by name; the stock graph's extra ReLU vertices change
            // DL4J's topological order, and with it the order of the flat parameter vector
            for (Map.Entry<String, INDArray> p : fused.paramTable().entrySet()) {
                p.getValue().assign(stockParams.get(p.getKey()));
            }
        } else {
            // a chain (SmallCnn): a fused conv-BN-ReLU layer holds its three stock layers' parameters in order
            fused.setParams(stock.params().dup());
        }
        return new ComputationGraph[] {stock, fused};
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double scale = 1;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], TOL * scale, what + " at " + i);
        }
    }

    private static DataSet batch(InputShape in, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, in.channels(), in.height(), in.width());
        INDArray y = Nd4j.zeros(DataType.FLOAT, 6, 5);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, i % 5, 1);
        }
        return new DataSet(x, y);
    }

    private static void assertSameComputation(Function<LayerFactory, ComputationGraphConfiguration> build, InputShape in) {
        ComputationGraph[] nets = pair(build);
        assertTrue(channelsLast(nets[1].getConfiguration()));
        assertFalse(channelsLast(nets[0].getConfiguration()));
        DataSet data = batch(in, 5);
        for (boolean training : new boolean[] {false, true}) {
            assertClose(nets[0].outputSingle(training, data.getFeatures()), nets[1].outputSingle(training, data.getFeatures()),
                    "output, training " + training);
        }
        for (ComputationGraph n : nets) {
            n.setInputs(data.getFeatures());
            n.setLabels(data.getLabels());
            n.computeGradientAndScore();
        }
        assertEquals(nets[0].score(), nets[1].score(), TOL, "loss");
        Map<String, INDArray> stockGradients = nets[0].gradient().gradientForVariable();
        for (Map.Entry<String, INDArray> g : nets[1].gradient().gradientForVariable().entrySet()) {
            INDArray expected = stockGradients.get(g.getKey());
            assertClose(expected == null ? nets[0].gradient().gradient() : expected,
                    expected == null ? nets[1].gradient().gradient() : g.getValue(), "gradient of " + g.getKey());
        }
        ComputationGraph[] trained = pair(build);
        for (int step = 0; step < 3; step++) {
            DataSet d = batch(in, 10 + step);
            trained[0].fit(d);
            trained[1].fit(d);
        }
        for (Map.Entry<String, INDArray> p : trained[1].paramTable().entrySet()) {
            INDArray expected = trained[0].paramTable().get(p.getKey());
            assertClose(expected == null ? trained[0].params() : expected, expected == null ? trained[1].params() : p.getValue(),
                    p.getKey() + " after 3 steps (running statistics included)");
        }
        ModelTesting.assertRoundTrip(trained[1], data.getFeatures());
    }

    private static boolean channelsLast(ComputationGraphConfiguration conf) {
        return GraphAssembler.runsChannelsLast(conf);
    }

    @Test
    void preresnetBlocksChannelsLastEqualStockNchw() {
        assertSameComputation(f -> preresnet(f, 3), new InputShape(3, 8, 8));
    }

    /** Channels last adds no vertex: the same seed gives the same flat parameter vector as the NCHW graph. */
    @Test
    void channelsLastKeepsTheFlatParameterVector() {
        ComputationGraph nhwc = new ComputationGraph(preresnet(new FusedLayerFactory(), 3));
        nhwc.init();
        System.setProperty(FusedLayerFactory.CHANNELS_LAST_PROPERTY, "false");
        ComputationGraph nchw;
        try {
            nchw = new ComputationGraph(preresnet(new FusedLayerFactory(), 3));
        } finally {
            System.clearProperty(FusedLayerFactory.CHANNELS_LAST_PROPERTY);
        }
        nchw.init();
        assertTrue(channelsLast(nhwc.getConfiguration()));
        assertFalse(channelsLast(nchw.getConfiguration()));
        assertArrayEquals(nchw.params().toDoubleVector(), nhwc.params().toDoubleVector(), 0.0);
    }

    @Test
    void smallCnnChannelsLastEqualsStockNchw() {
        assertSameComputation(f -> cnn(f, 4), new InputShape(1, 12, 12));
    }

    @Test
    void layersInheritNhwcFromTheInputType() {
        ComputationGraphConfiguration conf = cnn(new FusedLayerFactory(), 1);
        assertEquals(CNN2DFormat.NHWC, ((org.swa4j.models.layers.fast.FusedConvBnReluLayer)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get("stage1.unit1.fusedConvBnReluLayer"))
                        .getLayerConf().getLayer()).getDataFormat());
    }

    @Test
    void graphsWithVerticesThatIndexChannelsStayNchw() {
        for (String name : Models.names()) {
            boolean expected = name.startsWith("preresnet") || name.startsWith("wrn") || name.startsWith("cnn");
            ComputationGraphConfiguration conf = Models.config(name, 10, 3, 32, 32, 1);
            assertEquals(expected, channelsLast(conf), name);
        }
    }

    @Test
    void stockGraphsStayNchwAndSwitchedOffFusedOnesToo() {
        assertFalse(channelsLast(preresnet(new StockLayerFactory(), 1)));
        System.setProperty(FusedLayerFactory.CHANNELS_LAST_PROPERTY, "false");
        try {
            assertFalse(channelsLast(preresnet(new FusedLayerFactory(), 1)));
        } finally {
            System.clearProperty(FusedLayerFactory.CHANNELS_LAST_PROPERTY);
        }
    }
}
