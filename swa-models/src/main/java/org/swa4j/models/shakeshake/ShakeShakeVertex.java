package org.swa4j.models.shakeshake;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of the Shake-Shake mixing of two residual branches (Gastaldi 2017,
 * "Shake-Shake regularization", the Shake-Shake-Image variant used for CIFAR):
 *
 * <pre>
 * training, forward:  y = alpha_i * a + (1 - alpha_i) * b,   alpha_i ~ U(0, 1) per example i
 * training, backward: dL/da = beta_i * dL/dy, dL/db = (1 - beta_i) * dL/dy,
 *                     beta_i ~ U(0, 1) drawn independently of alpha
 * inference:          y = 0.5 * a + 0.5 * b
 * </pre>
 *
 * The draws come from a {@link java.util.SplittableRandom} seeded with {@link #getSeed()}, so a
 * network built from one seed mixes identically run after run (the generator restarts from the
 * seed when a network is reloaded). The runtime vertex is {@link ShakeShakeVertexImpl}. Rejects
 * inputs whose types differ; has no parameters.
 */
public class ShakeShakeVertex extends GraphVertex {

    @JsonProperty("seed")
    private long seed;

    public ShakeShakeVertex(@JsonProperty("seed") long seed) {
        this.seed = seed;
    }

    /** The seed of this vertex's random mixing weights. */
    public long getSeed() {
        return seed;
    }

    @Override
    public ShakeShakeVertex clone() {
        return new ShakeShakeVertex(seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShakeShakeVertex other && other.seed == seed;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seed) * 31 + 7;
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
        return new ShakeShakeVertexImpl(graph, name, idx, seed, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !vertexInputs[0].equals(vertexInputs[1])) {
            throw new InvalidInputTypeException("shake-shake mixes two branches of equal type; got "
                    + Arrays.toString(vertexInputs));
        }
        return vertexInputs[0];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, ShakeShakeVertex.class, inputTypes[0], inputTypes[0])
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "ShakeShakeVertex(seed=" + seed + ")";
    }
}
