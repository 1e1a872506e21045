package org.swa4j.models.graph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.layers.LayerFactory;

/**
 * Assembles one computation graph with readable vertex names: a thin layer over DL4J's
 * {@code GraphBuilder} that the model definitions loop with, so that no model repeats builder
 * chains or numbers layers by hand.
 *
 * <p>The graph has one input named {@value #INPUT} of the given {@link InputShape} (NCHW) and one
 * softmax output named {@value #OUTPUT} trained with cross-entropy (negative log-likelihood), as in
 * the reference PyTorch code. Dense and output layers are initialised as PyTorch's {@code nn.Linear}
 * initialises its weights, {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} (biases start at 0).
 * Convolutions, BatchNorms, activations and pooling come from the settings' {@link LayerFactory}.
 *
 * <p>Rejects duplicate vertex names (DL4J would silently replace the first).
 */
public final class GraphAssembler {

    /** Name of the graph's input. */
    public static final String INPUT = "input";
    /** Name of the graph's softmax output layer. */
    public static final String OUTPUT = "output";

    private final ComputationGraphConfiguration.GraphBuilder builder;
    private final LayerFactory layers;
    private final Map<String, Integer> used = new HashMap<>();

    public GraphAssembler(BuildSettings settings, InputShape input) {
        this.layers = settings.layers();
        this.builder = new NeuralNetConfiguration.Builder()
                .seed(settings.seed())
                .dataType(settings.dataType())
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(input.height(), input.width(), input.channels()));
        used.put(INPUT, 1);
    }

    /** The factory every convolution, BatchNorm, activation and pooling layer must come from. */
    public LayerFactory layers() {
        return layers;
    }

    /** Adds {@code layer} as vertex {@code name} fed by {@code inputs}; returns {@code name}. */
    public String layer(String name, Layer layer, String... inputs) {
        claim(name);
        builder.addLayer(name, layer, inputs);
        return name;
    }

    /** Adds a non-layer vertex; returns {@code name}. */
    public String vertex(String name, GraphVertex vertex, String... inputs) {
        claim(name);
        builder.addVertex(name, vertex, inputs);
        return name;
    }

    /**
     * Chains {@code sequence} after {@code input}, naming each layer {@code prefix.kind}
     * ({@code conv}, {@code bn}, {@code relu}, ...; a repeated kind gets a number); returns the
     * name of the last layer. An empty sequence returns {@code input}.
     */
    public String chain(String prefix, List<Layer> sequence, String input) {
        String last = input;
        Map<String, Integer> kinds = new HashMap<>();
        for (Layer l : sequence) {
            String kind = kindOf(l);
            int k = kinds.merge(kind, 1, Integer::sum);
            last = layer(prefix + "." + (k == 1 ? kind : kind + k), l, last);
        }
        return last;
    }

    /** Element-wise sum of the inputs (a residual connection); returns {@code name}. */
    public String sum(String name, String... inputs) {
        return vertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), inputs);
    }

    /** Concatenation along the channel dimension; returns {@code name}. */
    public String concat(String name, String... inputs) {
        return vertex(name, new MergeVertex(), inputs);
    }

    /** Dropout that keeps each activation with probability {@code 1 - rate}; returns {@code name}. */
    public String dropout(String name, double rate, String input) {
        if (!(rate > 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate " + rate + " must be in (0, 1)");
        }
        return layer(name, new DropoutLayer(1 - rate), input);
    }

    /** Fully connected layer with ReLU, PyTorch {@code nn.Linear} initialisation. */
    public String denseRelu(String name, int nIn, int nOut, String input) {
        return layer(name, new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.RELU)
                .weightInit(linearInit(nIn)).build(), input);
    }

    /**
     * Adds the softmax classifier on {@code features} (a vector of {@code nIn} per example), marks
     * it as the graph's output and builds the configuration.
     */
    public ComputationGraphConfiguration classifier(String features, int nIn, int numClasses) {
        layer(OUTPUT, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(nIn).nOut(numClasses)
                .activation(Activation.SOFTMAX)
                .weightInit(linearInit(nIn))
                .build(), features);
        builder.setOutputs(OUTPUT);
        return builder.build();
    }

    private static UniformDistribution linearInit(int fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return new UniformDistribution(-bound, bound);
    }

    private void claim(String name) {
        if (used.putIfAbsent(name, 1) != null) {
            throw new IllegalArgumentException("vertex name '" + name + "' is already used in this graph");
        }
    }

    private static String kindOf(Layer l) {
        if (l instanceof ConvolutionLayer) {
            return "conv";
        }
        if (l instanceof BatchNormalization) {
            return "bn";
        }
        if (l instanceof ActivationLayer) {
            return "relu";
        }
        if (l instanceof SubsamplingLayer s) {
            return s.getPoolingType().name().toLowerCase() + "pool";
        }
        if (l instanceof GlobalPoolingLayer) {
            return "gap";
        }
        String simple = l.getClass().getSimpleName();
        return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    }
}
