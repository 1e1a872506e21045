package org.swa4j.experiments.bench;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.models.layers.LayerFactory;

/**
 * The networks the training benchmark times, built through a {@link LayerFactory}: {@code cnn<w>}
 * (three stages of widths w, 2w, 4w, each two 3x3 conv-BN-ReLU then 2x2 max pooling; global
 * average pooling; dense softmax) and {@code preresnet<depth>} with basic pre-activation blocks
 * (depth = 6n + 2; widths 16/32/64; 1x1 projection shortcut on the block input when the shape
 * changes), as in the models issue and timgaripov/swa's {@code preresnet.py}.
 * SGD with momentum 0.9 and coupled L2 5e-4, as the PyTorch peer script.
 */
final class BenchModels {

    private static final Pattern CNN = Pattern.compile("cnn(\\d+)");
    private static final Pattern PRERESNET = Pattern.compile("preresnet(\\d+)");

    private BenchModels() {
    }

    static Model build(String name, int c, int h, int w, int classes, LayerFactory f, long seed) {
        Matcher cnn = CNN.matcher(name);
        if (cnn.matches()) {
            return cnn(Integer.parseInt(cnn.group(1)), c, h, w, classes, f, seed);
        }
        Matcher res = PRERESNET.matcher(name);
        if (res.matches()) {
            int depth = Integer.parseInt(res.group(1));
            if (depth < 8 || (depth - 2) % 6 != 0) {
                throw new IllegalArgumentException("preresnet depth must be 6n+2 (basic blocks), got " + depth);
            }
            return preResNet((depth - 2) / 6, c, h, w, classes, f, seed);
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; known: cnn<width>, preresnet<6n+2>");
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).updater(new Nesterovs(0.05, 0.9)).l2(5e-4)
                .weightInit(WeightInit.RELU);
    }

    private static OutputLayer softmax(int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX).build();
    }

    static MultiLayerNetwork cnn(int width, int c, int h, int w, int classes, LayerFactory f, long seed) {
        if (width < 1) {
            throw new IllegalArgumentException("cnn width must be >= 1, got " + width);
        }
        NeuralNetConfiguration.ListBuilder b = base(seed).list();
        int in = c;
        for (int stage = 0; stage < 3; stage++) {
            int out = width << stage;
            for (int conv = 0; conv < 2; conv++) {
                for (Layer l : f.convBnRelu(conv == 0 ? in : out, out, 3, 1, 1)) {
                    b.layer(l);
                }
            }
            b.layer(f.maxPool(2, 2));
            in = out;
        }
        b.layer(f.globalAvgPool());
        MultiLayerConfiguration conf = b.layer(softmax(classes)).setInputType(InputType.convolutional(h, w, c)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Adds {@code layers} in a chain after {@code from}; returns the name of the last one. */
    private static String chain(ComputationGraphConfiguration.GraphBuilder g, String prefix, List<Layer> layers, String from) {
        String prev = from;
        for (int i = 0; i < layers.size(); i++) {
            String name = prefix + "_" + i;
            g.addLayer(name, layers.get(i), prev);
            prev = name;
        }
        return prev;
    }

    static ComputationGraph preResNet(int blocksPerStage, int c, int h, int w, int classes, LayerFactory f, long seed) {
        ComputationGraphConfiguration.GraphBuilder g = base(seed).graphBuilder().addInputs("in");
        String x = chain(g, "stem", List.of(f.conv(c, 16, 3, 1, 1, false)), "in");
        int in = 16;
        for (int stage = 0; stage < 3; stage++) {
            int out = 16 << stage;
            for (int block = 0; block < blocksPerStage; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                String p = "s" + stage + "b" + block;
                String a = chain(g, p + "_pre1", f.bnRelu(in), x);
                a = chain(g, p + "_conv1", List.of(f.conv(in, out, 3, stride, 1, false)), a);
                a = chain(g, p + "_pre2", f.bnRelu(out), a);
                a = chain(g, p + "_conv2", List.of(f.conv(out, out, 3, 1, 1, false)), a);
                String shortcut = stride != 1 || in != out
                        ? chain(g, p + "_down", List.of(f.conv(in, out, 1, stride, 0, false)), x)
                        : x;
                g.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), a, shortcut);
                x = p + "_add";
                in = out;
            }
        }
        x = chain(g, "head", f.bnRelu(in), x);
        x = chain(g, "pool", List.of(f.globalAvgPool()), x);
        g.addLayer("out", softmax(classes), x).setOutputs("out").setInputTypes(InputType.convolutional(h, w, c));
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }
}
