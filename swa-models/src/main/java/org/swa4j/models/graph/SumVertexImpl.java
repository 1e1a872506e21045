package org.swa4j.models.graph;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/** Runtime of {@link SumVertex}. */
public final class SumVertexImpl extends BaseGraphVertex {

    /** Per input, whether it takes the shared copy of the gradient; decided at the first backward pass. */
    private boolean[] sharing;

    public SumVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("sum vertex " + vertexName + ": inputs not set");
        }
        for (int i = 1; i < inputs.length; i++) {
            if (!java.util.Arrays.equals(inputs[i].shape(), inputs[0].shape())) {
                throw new IllegalArgumentException("sum vertex " + vertexName + ": input " + i + " has shape "
                        + java.util.Arrays.toString(inputs[i].shape()) + ", input 0 " + java.util.Arrays.toString(inputs[0].shape()));
            }
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(), inputs[0].shape(), 'c');
        Nd4j.exec(new AddOp(inputs[0], inputs[1], out));
        for (int i = 2; i < inputs.length; i++) {
            out.addi(inputs[i]);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("sum vertex " + vertexName + ": epsilon not set");
        }
        // the gradient handed on must live in this vertex's gradient workspace (the incoming one does
        // not), so it is copied; the inputs share one copy where that is safe (EpsilonSharing)
        if (sharing == null) {
            sharing = EpsilonSharing.of(graph, vertexIndex);
        }
        INDArray[] out = new INDArray[inputs.length];
        INDArray shared = null;
        for (int i = 0; i < inputs.length; i++) {
            if (sharing[i]) {
                if (shared == null) {
                    shared = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
                }
                out[i] = shared;
            } else {
                out[i] = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
            }
        }
        return new Pair<>(null, out);
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalArgumentException("sum vertex has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
            int minibatchSize) {
        if (maskArrays != null) {
            for (INDArray m : maskArrays) {
                if (m != null) {
                    throw new UnsupportedOperationException("sum vertex " + vertexName + ": masks are not supported");
                }
            }
        }
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public String toString() {
        return "SumVertexImpl(" + vertexName + ")";
    }
}
