package org.swa4j.models.pyramidnet;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of PyramidNet's residual addition with a zero-padded identity shortcut
 * (Han et al. 2017, "Deep Pyramidal Residual Networks", option (a) of its Figure 5):
 *
 * <pre>
 * inputs: residual r [N, C, H, W], shortcut s [N, C', H, W] with C' <= C
 * y[:, :C'] = r[:, :C'] + s,   y[:, C':] = r[:, C':]        (s padded with C - C' zero channels)
 * </pre>
 * The gradient reaching {@code s} is the first {@code C'} channels of the output gradient. Rejects
 * inputs that are not feature maps of equal height and width with {@code C' <= C}. No parameters.
 * The runtime vertex is {@link ZeroPaddedAddVertexImpl}.
 */
public class ZeroPaddedAddVertex extends GraphVertex {

    @Override
    public ZeroPaddedAddVertex clone() {
        return new ZeroPaddedAddVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZeroPaddedAddVertex;
    }

    @Override
    public int hashCode() {
        return ZeroPaddedAddVertex.class.hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new ZeroPaddedAddVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length == 2
                && vertexInputs[0] instanceof InputType.InputTypeConvolutional r
                && vertexInputs[1] instanceof InputType.InputTypeConvolutional s
                && r.getHeight() == s.getHeight() && r.getWidth() == s.getWidth()
                && s.getChannels() <= r.getChannels()) {
            return r;
        }
        throw new InvalidInputTypeException("zero-padded add needs a residual [C, H, W] and a shortcut [C' <= C, H, W]; got "
                + java.util.Arrays.toString(vertexInputs));
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, ZeroPaddedAddVertex.class, inputTypes[0], inputTypes[0])
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "ZeroPaddedAddVertex()";
    }
}
