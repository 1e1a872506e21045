package org.swa4j.models.shakeshake;

import java.util.SplittableRandom;

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
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link ShakeShakeVertex}: per-example random forward weights {@code alpha}, an
 * independent per-example random backward weight {@code beta}, 0.5/0.5 at inference.
 *
 * <p>{@link #useFixedMixing(double[], double[])} replaces the random draws by given per-example
 * weights (gradient checks need {@code alpha == beta}, fixed across passes);
 * {@link #useRandomMixing()} restores them.
 */
public final class ShakeShakeVertexImpl extends BaseGraphVertex {

    private final SplittableRandom random;
    private double[] fixedForward;
    private double[] fixedBackward;

    public ShakeShakeVertexImpl(ComputationGraph graph, String name, int vertexIndex, long seed, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.random = new SplittableRandom(seed);
    }

    /**
     * Uses {@code forward[i]} as alpha and {@code backward[i]} as beta of example {@code i} in every
     * training pass; rejects weights outside [0, 1] and arrays of different lengths.
     */
    public void useFixedMixing(double[] forward, double[] backward) {
        if (forward.length != backward.length) {
            throw new IllegalArgumentException("forward weights (" + forward.length + ") and backward weights ("
                    + backward.length + ") must have one entry per example each");
        }
        for (double w : concat(forward, backward)) {
            if (!(w >= 0 && w <= 1)) {
                throw new IllegalArgumentException("mixing weight " + w + " must be in [0, 1]");
            }
        }
        this.fixedForward = forward.clone();
        this.fixedBackward = backward.clone();
    }

    /** Back to random per-example weights from this vertex's generator. */
    public void useRandomMixing() {
        fixedForward = null;
        fixedBackward = null;
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
            throw new IllegalStateException("shake-shake vertex " + vertexName + ": inputs not set");
        }
        INDArray a = inputs[0];
        INDArray b = inputs[1];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, a.dataType(), a.shape(), 'c');
        if (!training) {
            return out.assign(a).addi(b).muli(0.5);
        }
        INDArray alpha = weights(fixedForward, a.size(0), a.dataType());
        out.assign(a).subi(b);
        Nd4j.getExecutioner().exec(new BroadcastMulOp(out, alpha, out, 0));
        return out.addi(b);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("shake-shake vertex " + vertexName + ": epsilon not set");
        }
        INDArray beta = weights(fixedBackward, epsilon.size(0), epsilon.dataType());
        INDArray gradA = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                epsilon.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, beta, gradA, 0));
        INDArray gradB = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon).subi(gradA);
        return new Pair<>(null, new INDArray[] {gradA, gradB});
    }

    private INDArray weights(double[] fixed, long n, DataType type) {
        double[] w;
        if (fixed != null) {
            if (fixed.length != n) {
                throw new IllegalStateException("fixed mixing has " + fixed.length + " weights but the batch has "
                        + n + " examples");
            }
            w = fixed;
        } else {
            w = new double[(int) n];
            for (int i = 0; i < n; i++) {
                w[i] = random.nextDouble();
            }
        }
        return Nd4j.createFromArray(w).castTo(type);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] r = new double[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalArgumentException("shake-shake vertex has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        return new Pair<>(maskArrays == null ? null : maskArrays[0], currentMaskState);
    }

    @Override
    public String toString() {
        return "ShakeShakeVertexImpl(" + vertexName + ")";
    }
}
