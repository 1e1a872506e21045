package org.swa4j.models.pyramidnet;

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
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Runtime of {@link ZeroPaddedAddVertex}: adds the shortcut into the residual's first channels. */
public final class ZeroPaddedAddVertexImpl extends BaseGraphVertex {

    public ZeroPaddedAddVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
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
            throw new IllegalStateException("zero-padded add vertex " + vertexName + ": inputs not set");
        }
        INDArray residual = inputs[0];
        INDArray shortcut = inputs[1];
        INDArray out = workspaceMgr.dup(ArrayType.ACTIVATIONS, residual, 'c');
        firstChannels(out, shortcut.size(1)).addi(shortcut);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("zero-padded add vertex " + vertexName + ": epsilon not set");
        }
        INDArray gradResidual = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
        INDArray gradShortcut = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, firstChannels(epsilon, inputs[1].size(1)), 'c');
        return new Pair<>(null, new INDArray[] {gradResidual, gradShortcut});
    }

    private static INDArray firstChannels(INDArray x, long channels) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, channels), NDArrayIndex.all(), NDArrayIndex.all());
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalArgumentException("zero-padded add vertex has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        return new Pair<>(maskArrays == null ? null : maskArrays[0], currentMaskState);
    }

    @Override
    public String toString() {
        return "ZeroPaddedAddVertexImpl(" + vertexName + ")";
    }
}
