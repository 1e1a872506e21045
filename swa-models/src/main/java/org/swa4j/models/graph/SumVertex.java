package org.swa4j.models.graph;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of an element-wise sum of two or more inputs of the same type (a residual
 * connection): what DL4J's {@code ElementWiseVertex(Add)} computes, with one pass over memory fewer.
 * The forward writes {@code a + b} in one pass instead of copying {@code a} and adding {@code b} to
 * the copy. The backward, as DL4J's, gives every input its own copy of the incoming gradient (DL4J
 * requires each in the vertex's gradient workspace and may accumulate into it in place). The runtime
 * vertex is {@link SumVertexImpl}. It does not depend on the data format (NCHW or NHWC).
 */
public class SumVertex extends GraphVertex {

    @Override
    public SumVertex clone() {
        return new SumVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SumVertex;
    }

    @Override
    public int hashCode() {
        return SumVertex.class.hashCode();
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
        return Integer.MAX_VALUE;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new SumVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        for (InputType t : vertexInputs) {
            if (!t.equals(vertexInputs[0])) {
                throw new InvalidInputTypeException("sum vertex needs inputs of one type; got "
                        + java.util.Arrays.toString(vertexInputs));
            }
        }
        return vertexInputs[0];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, SumVertex.class, inputTypes[0], inputTypes[0])
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "SumVertex()";
    }
}
