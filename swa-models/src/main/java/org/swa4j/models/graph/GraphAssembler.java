package org.swa4j.models.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
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
import org.swa4j.models.layers.fast.FusedConvBnReluLayer;

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
 * <p>Channels last: if the factory asks for it ({@link LayerFactory#channelsLast()}) and every vertex
 * of the graph is known to handle NHWC data (convolution, BatchNorm, pooling, activation, dropout,
 * element-wise sum, and dense layers only after global pooling), every layer fed by the graph's NCHW
 * input gets {@link ChannelsLastInput} as its input preprocessor and DL4J runs every layer on NHWC
 * activations. No vertex is added, so the vertices' order, and the order of the flat parameter
 * vector, stay those of the NCHW graph. Otherwise (for example a concatenation, or a custom vertex
 * that indexes channels) the graph stays NCHW. The parameters have the same shapes and meaning either way.
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
    /** The vertices in the order added; they go to DL4J once the whole graph is known. */
    private final List<Entry> entries = new ArrayList<>();

    /** One vertex: a layer, or another graph vertex. */
    private record Entry(String name, Layer layer, GraphVertex vertex, String[] inputs) {
    }

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
        entries.add(new Entry(name, layer, null, inputs.clone()));
        return name;
    }

    /** Adds a non-layer vertex; returns {@code name}. */
    public String vertex(String name, GraphVertex vertex, String... inputs) {
        claim(name);
        entries.add(new Entry(name, null, vertex, inputs.clone()));
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

    /** Element-wise sum of the inputs (a residual connection, {@link SumVertex}); returns {@code name}. */
    public String sum(String name, String... inputs) {
        return vertex(name, new SumVertex(), inputs);
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
        boolean channelsLast = layers.channelsLast() && channelsLastSafe();
        for (Entry e : entries) {
            if (e.layer() != null) {
                if (channelsLast && Arrays.asList(e.inputs()).contains(INPUT)) {
                    builder.layer(e.name(), e.layer(), new ChannelsLastInput(), e.inputs());
                } else {
                    builder.addLayer(e.name(), e.layer(), e.inputs());
                }
            } else {
                builder.addVertex(e.name(), e.vertex(), e.inputs());
            }
        }
        builder.setOutputs(OUTPUT);
        return builder.build();
    }

    /** Whether {@code conf} (built here) runs channels last: a layer fed by the input turns it NHWC. */
    public static boolean runsChannelsLast(ComputationGraphConfiguration conf) {
        return conf.getVertices().values().stream().anyMatch(v -> v instanceof LayerVertex l
                && l.getPreProcessor() instanceof ChannelsLastInput);
    }

    /**
     * Whether every vertex handles NHWC data: DL4J's convolution, BatchNorm, pooling, global pooling,
     * activation and dropout layers (and the fast layers, their subclasses or the fused one) take
     * their data format from the input type; an element-wise sum does not depend on it; a dense layer
     * is safe only on non-spatial input (it would flatten NHWC in another order than NCHW).
     */
    private boolean channelsLastSafe() {
        Map<String, Boolean> spatial = new HashMap<>();
        spatial.put(INPUT, true);
        for (Entry e : entries) {
            boolean in = spatial.getOrDefault(e.inputs()[0], true);
            Layer l = e.layer();
            boolean safe;
            boolean out = in;
            if (l == null) {
                // a vertex on the raw input would see NCHW data; every other vertex sees NHWC
                safe = (e.vertex() instanceof SumVertex || e.vertex() instanceof ElementWiseVertex)
                        && !Arrays.asList(e.inputs()).contains(INPUT);
            } else if (l instanceof ConvolutionLayer || l instanceof BatchNormalization || l instanceof SubsamplingLayer
                    || l instanceof FusedConvBnReluLayer || l instanceof ActivationLayer || l instanceof DropoutLayer) {
                safe = true;
            } else if (l instanceof GlobalPoolingLayer) {
                safe = true;
                out = false;
            } else if (l instanceof DenseLayer || l instanceof OutputLayer) {
                safe = !in;
                out = false;
            } else {
                safe = false;
            }
            if (!safe) {
                return false;
            }
            spatial.put(e.name(), out);
        }
        return true;
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
