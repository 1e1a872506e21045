package org.swa4j.models.graph;

import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.models.InputShape;

/**
 * Size and compute of a network, read from its configuration without initialising the network.
 *
 * <ul>
 *   <li>{@code trainableParams}: every parameter except BatchNorm running statistics, i.e. the
 *       number PyTorch's {@code sum(p.numel() for p in model.parameters())} reports. Running
 *       statistics are the parameters stored under the keys {@code mean}, {@code var} or
 *       {@code log10stdev} (the {@code LayerFactory} contract's BatchNorm keys); they are counted
 *       separately as {@code runningStatistics}.</li>
 *   <li>{@code multiplyAccumulates}: per image, the multiply-accumulates of convolutions and fully
 *       connected layers: for every weight parameter {@code W} of a layer,
 *       {@code |W| x (output height x output width)} when the layer outputs feature maps, and
 *       {@code |W|} when it outputs a vector. BatchNorm, activations, pooling, additions and biases
 *       are not counted (the usual convention of published MAC figures).</li>
 * </ul>
 *
 * Shapes come from DL4J's parameter initialisers run on a zero buffer with
 * {@code initializeParams = false}, one layer at a time, so no weights are drawn.
 */
public record GraphCost(long trainableParams, long runningStatistics, long multiplyAccumulates) {

    private static final Set<String> RUNNING_STATISTICS = Set.of("mean", "var", "log10stdev");

    /** The cost of {@code conf} for one image of shape {@code input}. */
    public static GraphCost of(ComputationGraphConfiguration conf, InputShape input) {
        Map<String, InputType> outputs = conf.getLayerActivationTypes(
                InputType.convolutional(input.height(), input.width(), input.channels()));
        long trainable = 0;
        long running = 0;
        long macs = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            GraphVertex vertex = e.getValue();
            if (!(vertex instanceof LayerVertex lv)) {
                trainable += vertex.numParams(true);
                continue;
            }
            NeuralNetConfiguration layerConf = lv.getLayerConf();
            Layer layer = layerConf.getLayer();
            ParamInitializer init = layer.initializer();
            long n = init.numParams(layer);
            if (n == 0) {
                continue;
            }
            INDArray buffer = Nd4j.zeros(conf.getDataType(), 1, n);
            Map<String, INDArray> params = init.init(layerConf, buffer, false);
            long positions = outputPositions(outputs.get(e.getKey()));
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                long size = p.getValue().length();
                if (RUNNING_STATISTICS.contains(p.getKey())) {
                    running += size;
                } else {
                    trainable += size;
                }
            }
            for (String w : init.weightKeys(layer)) {
                macs += params.get(w).length() * positions;
            }
        }
        return new GraphCost(trainable, running, macs);
    }

    private static long outputPositions(InputType type) {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return c.getHeight() * c.getWidth();
        }
        return 1;
    }
}
