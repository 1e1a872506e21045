package org.swa4j.core;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fast Geometric Ensembling's prediction on a fixed set of inputs, as {@code dnn-mode-connectivity
 * fge.py} computes it: when a snapshot is taken, the network's outputs (class probabilities) on every
 * input are added to a running sum, and the ensemble's prediction after K snapshots is
 * <pre>  p(y | x) = sum / K = (1 / K) sum_k softmax(f(x; w_k))</pre>
 * No snapshot is kept: one inference pass over the inputs per snapshot and one array of outputs,
 * where {@link SnapshotEnsemble} keeps K copies of the weights and predicts any input. The outputs are
 * cast to double before they are summed, rows in the order of the iterator's batches.
 *
 * <p>{@link #sum()} and {@link #size()} are the whole state: {@link #resume} continues from them bit for
 * bit, as a checkpointed training run needs.
 *
 * <p>Rejects (IllegalArgumentException): a null iterator, network or sum, a negative size, a sum
 * without snapshots or snapshots without a sum, a model that is not a MultiLayerNetwork or a
 * ComputationGraph with one output, inputs that change their number of rows; {@link #mean()} before
 * the first snapshot is an IllegalStateException.
 */
public final class SnapshotPredictions {

    private final DataSetIterator inputs;
    private INDArray sum;
    private int size;

    private SnapshotPredictions(DataSetIterator inputs, INDArray sum, int size) {
        if (inputs == null) {
            throw new IllegalArgumentException("inputs must not be null");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        if ((sum == null) != (size == 0)) {
            throw new IllegalArgumentException("a sum needs at least one snapshot and a snapshot a sum; got size " + size
                    + " and " + (sum == null ? "no sum" : "a sum"));
        }
        this.inputs = inputs;
        this.sum = sum;
        this.size = size;
    }

    /** No snapshot yet; {@code inputs} are reset before and after each pass. */
    public static SnapshotPredictions on(DataSetIterator inputs) {
        return new SnapshotPredictions(inputs, null, 0);
    }

    /** Continues from the {@link #sum()} and {@link #size()} of an earlier instance (null and 0 for none). */
    public static SnapshotPredictions resume(DataSetIterator inputs, INDArray sum, int size) {
        return new SnapshotPredictions(inputs, sum, size);
    }

    /** Adds {@code net}'s inference-mode outputs on the inputs to the sum. */
    public void add(Model net) {
        INDArray outputs = outputs(net);
        if (sum != null && sum.rows() != outputs.rows()) {
            throw new IllegalArgumentException("the inputs gave " + outputs.rows() + " rows of outputs; the sum holds "
                    + sum.rows());
        }
        sum = sum == null ? outputs : sum.addi(outputs);
        size++;
    }

    /** Number of snapshots added. */
    public int size() {
        return size;
    }

    /** The running sum of the snapshots' outputs (the array held, for saving; null before the first snapshot). */
    public INDArray sum() {
        return sum;
    }

    /** The ensemble's prediction, {@code sum / K}, as a new array. */
    public INDArray mean() {
        if (size == 0) {
            throw new IllegalStateException("no snapshot yet; add at least one before mean");
        }
        return sum.div(size);
    }

    private INDArray outputs(Model net) {
        if (net == null) {
            throw new IllegalArgumentException("net must not be null");
        }
        if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph cg && cg.getNumOutputArrays() == 1)) {
            throw new IllegalArgumentException("predictions need a MultiLayerNetwork or a ComputationGraph with one output, got "
                    + net.getClass().getSimpleName());
        }
        List<INDArray> parts = new ArrayList<>();
        inputs.reset();
        while (inputs.hasNext()) {
            INDArray x = inputs.next().getFeatures();
            INDArray out = net instanceof MultiLayerNetwork mln ? mln.output(x, false) : ((ComputationGraph) net).output(false, x)[0];
            parts.add(out.castTo(DataType.DOUBLE));
        }
        inputs.reset();
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("the inputs are empty");
        }
        return Nd4j.vstack(parts.toArray(INDArray[]::new));
    }
}
