package org.swa4j.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.models.layers.fast.FusedLayerFactory;
import org.swa4j.models.layers.fast.NativeLayerFactory;

/**
 * {@link HeNormalFanOut} against the reference code's rule {@code w ~ N(0, 2 / (k * k * out))},
 * through every factory and for strided convolutions (where DL4J's own fan-out divides by the
 * stride squared, which would halve the std at stride 2).
 *
 * <p>Tolerance: for n independent N(0, s^2) draws, the sample std has standard error about
 * {@code s / sqrt(2n)} and the mean {@code s / sqrt(n)}; both are asserted within 5 standard errors
 * (a false failure has probability below 1e-6 per check). With n >= 1,728 that is at most 8.5% of s
 * for the std, less than the factor 2 a stride-2 fan-out would make.
 */
class HeNormalFanOutTest {

    /** One convolution shape: input channels, output channels, kernel, stride. */
    private record Shape(int in, int out, int kernel, int stride) {
        double expectedStd() {
            return Math.sqrt(2.0 / (kernel * kernel * out));
        }
    }

    private static final List<Shape> SHAPES = List.of(new Shape(3, 64, 3, 1), new Shape(64, 128, 3, 2),
            new Shape(64, 256, 1, 1), new Shape(32, 64, 1, 2), new Shape(16, 16, 3, 1));

    private static final List<LayerFactory> FACTORIES = List.of(new StockLayerFactory(), new NativeLayerFactory(),
            new FusedLayerFactory());

    @Test
    void convolutionWeightsHaveTheReferenceStdInEveryFactory() {
        for (LayerFactory f : FACTORIES) {
            for (Shape s : SHAPES) {
                assertNormal(f.name() + " conv " + s, weights(single(f.conv(s.in(), s.out(), s.kernel(), s.stride(), 0, false)),
                        s.in()), s.expectedStd());
                List<Layer> fused = f.convBnRelu(s.in(), s.out(), s.kernel(), s.stride(), 0);
                assertNormal(f.name() + " convBnRelu " + s, weights(fused, s.in()), s.expectedStd());
            }
        }
    }

    @Test
    void initialiserSurvivesSerialisation() throws IOException {
        for (LayerFactory f : FACTORIES) {
            ComputationGraph net = graph(List.of(f.conv(3, 8, 3, 2, 1, false)), 3);
            ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
            assertInstanceOf(HeNormalFanOut.class, ((BaseLayer) layer(back, "l0")).getWeightInitFn(), f.name());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ModelSerializer.writeModel(net, bytes, true);
            ComputationGraph restored = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
            assertInstanceOf(HeNormalFanOut.class, ((BaseLayer) layer(restored.getConfiguration(), "l0")).getWeightInitFn(),
                    f.name());
            assertEquals(net.params(), restored.params(), f.name());
        }
    }

    @Test
    void sameSeedSameWeights() {
        INDArray a = weights(List.of(new StockLayerFactory().conv(4, 8, 3, 1, 1, false)), 4);
        INDArray b = weights(List.of(new StockLayerFactory().conv(4, 8, 3, 1, 1, false)), 4);
        assertEquals(a, b);
    }

    @Test
    void rejectsWeightsThatAreNotConvolutions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeNormalFanOut().init(4, 4, new long[] {4, 4}, 'c', Nd4j.zeros(16)));
        assertTrue(e.getMessage().contains("[4, 4]"), e.getMessage());
    }

    private static void assertNormal(String what, INDArray w, double sigma) {
        long n = w.length();
        double mean = w.meanNumber().doubleValue();
        double std = w.stdNumber().doubleValue();
        assertEquals(0.0, mean, 5 * sigma / Math.sqrt(n), what + ": mean");
        assertEquals(sigma, std, 5 * sigma / Math.sqrt(2.0 * n), what + ": std (expected sqrt(2 / (k k out)) = " + sigma + ")");
    }

    private static List<Layer> single(Layer l) {
        return List.of(l);
    }

    /** The first layer's weight {@code W} after initialising the layers (on 16 x 16 input) from seed 11. */
    private static INDArray weights(List<Layer> layers, int channels) {
        return graph(layers, channels).getParam("l0_W").dup();
    }

    private static ComputationGraph graph(List<Layer> layers, int channels) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(11).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(16, 16, channels));
        String prev = "in";
        for (int i = 0; i < layers.size(); i++) {
            b.addLayer("l" + i, layers.get(i), prev);
            prev = "l" + i;
        }
        b.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
        b.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                .activation(Activation.SOFTMAX).build(), "gap");
        ComputationGraph net = new ComputationGraph(b.setOutputs("out").build());
        net.init();
        return net;
    }

    private static Layer layer(ComputationGraphConfiguration conf, String name) {
        return ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
    }
}
