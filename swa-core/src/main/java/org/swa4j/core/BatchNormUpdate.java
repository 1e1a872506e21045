package org.swa4j.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Moments;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Recomputes every BatchNorm layer's running mean and variance as the exact average over one pass
 * of the data, the recalibration SWA needs before its averaged weights are evaluated.
 *
 * <p>For each batch {@code b} of size {@code n_b}, one forward pass in training mode (every
 * BatchNorm layer normalising with its batch statistics, as during training; no backward pass, no
 * {@code fit}) gives each BatchNorm layer's input, whose per-channel mean {@code m_b} and biased
 * (population) variance {@code v_b} are taken over the batch and spatial dimensions. Afterwards
 * <pre>  mean = sum_b n_b m_b / sum_b n_b,   var = sum_b n_b v_b / sum_b n_b</pre>
 * the cumulative average of the reference code ({@code timgaripov/swa utils.bn_update}, momentum
 * {@code b / (n + b)}); with equal batch sizes it is torch's {@code update_bn} ({@code momentum=None}),
 * except that torch accumulates the unbiased batch variance while DL4J itself uses the biased one.
 * A {@code log10stdev} parameter receives {@code log10(sqrt(max(var, MIN_NORMAL)))}, so a channel of
 * zero variance gives a finite value (DL4J adds {@code eps} at inference). A layer implementing
 * {@link FusedBatchNorm} runs its own training-mode forward pass and then reports the moments it
 * normalised with ({@link FusedBatchNorm#lastBatchMoments}).
 *
 * <p>The pass runs inside a workspace of its own that keeps every array of one batch and is reused
 * by the next, so that after the first batch nothing is allocated; it stays with the calling thread
 * afterwards, as DL4J's own workspaces do ({@code Nd4j.getWorkspaceManager()
 * .destroyAllWorkspacesForCurrentThread()} frees it).
 *
 * <p>Only the running statistics change: weights, updater state, iteration and epoch counters, BN
 * decay and listeners are untouched (no {@code fit} runs and no listener is called). The iterator is
 * reset before the pass (if it supports reset) so that the pass covers the whole data set, and reset
 * again afterwards, leaving it where a new epoch starts.
 *
 * <p>Rejects (IllegalArgumentException): a model that is not a MultiLayerNetwork or
 * ComputationGraph, a ComputationGraph with more than one input, a null or empty iterator, and a
 * BatchNorm input of rank other than 2 or 4.
 */
public final class BatchNormUpdate {

    /**
     * Every array of one batch's forward pass lives in this workspace, which is sized on the first
     * batch and reused by the next: allocating fresh arrays for every activation and im2col buffer
     * made the pass 2.3x slower than inference (docs/batchnorm-update.md).
     */
    private static final String WORKSPACE = "SWA4J_BN_UPDATE";
    private static final WorkspaceConfiguration WORKSPACE_CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.05)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .build();

    private BatchNormUpdate() {
    }

    /** One BatchNorm layer: where its input comes from and the moments accumulated so far. */
    private static final class Target {
        final Layer layer;
        final int position;       // MultiLayerNetwork: layer index; ComputationGraph: topological position
        final FusedBatchNorm fused; // non-null: the layer reports its own moments after its forward pass
        final InputPreProcessor preProcessor;
        INDArray meanSum;
        INDArray varSum;

        Target(Layer layer, int position, InputPreProcessor preProcessor) {
            this.layer = layer;
            this.position = position;
            this.fused = layer instanceof FusedBatchNorm f ? f : null;
            this.preProcessor = preProcessor;
        }
    }

    /**
     * Sets every BatchNorm layer's running statistics of {@code net} to their average over
     * {@code data}. Does nothing beyond validating the iterator if the network has no BatchNorm layer.
     */
    public static void run(Model net, DataSetIterator data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        List<Target> targets = targets(net);
        if (data.resetSupported()) {
            data.reset();
        }
        if (!data.hasNext()) {
            throw new IllegalArgumentException("data iterator " + data.getClass().getSimpleName()
                    + " has no batches; BatchNormUpdate needs at least one");
        }
        if (targets.isEmpty()) {
            if (data.resetSupported()) {
                data.reset();
            }
            return;
        }
        long examples = 0;
        INDArray[] graphInputs = net instanceof ComputationGraph cg ? cg.getInputs() : null;
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.builder().defaultWorkspace(WORKSPACE, WORKSPACE_CONFIG).build();
        mgr.setHelperWorkspacePointers(new HashMap<>());
        try {
            while (data.hasNext()) {
                DataSet batch = data.next();
                INDArray features = batch.getFeatures();
                long n = features.size(0);
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE_CONFIG, WORKSPACE)) {
                    if (net instanceof MultiLayerNetwork mln) {
                        forward(mln, targets, features, n, mgr);
                    } else {
                        forward((ComputationGraph) net, targets, features, n, mgr);
                    }
                }
                examples += n;
            }
        } finally {
            // The layers still point at arrays inside the workspace: drop them. The workspace itself stays
            // with this thread, as DL4J's own do, so the next update does not size it again.
            if (net instanceof MultiLayerNetwork mln) {
                mln.clearLayersStates();
            } else {
                ((ComputationGraph) net).clearLayersStates();
                ((ComputationGraph) net).setInputs(graphInputs);
            }
        }
        if (data.resetSupported()) {
            data.reset();
        }
        for (Target t : targets) {
            write(t, examples);
        }
    }

    /**
     * Training-mode forward pass of a MultiLayerNetwork up to the last BatchNorm layer, layer by layer
     * (what {@code feedForwardToLayer(last, x, true)} computes, without detaching every activation).
     */
    private static void forward(MultiLayerNetwork mln, List<Target> targets, INDArray features, long n,
            LayerWorkspaceMgr mgr) {
        Layer[] layers = mln.getLayers();
        Target lastTarget = targets.get(targets.size() - 1);
        int last = lastTarget.position;
        INDArray current = features;
        int next = 0;
        for (int i = 0; i <= last; i++) {
            InputPreProcessor pre = mln.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null) {
                current = pre.preProcess(current, (int) n, mgr);
            }
            Target t = targets.get(next).position == i ? targets.get(next++) : null;
            if (t != null && t.fused == null) {
                accumulateInputMoments(t, current, n);
            }
            if (i < last || lastTarget.fused != null) {
                current = layers[i].activate(current, true, mgr);
            }
            if (t != null && t.fused != null) {
                accumulate(t, t.fused.lastBatchMoments(), n);
            }
        }
    }

    /**
     * Training-mode forward pass of a single-input ComputationGraph in topological order, up to the
     * last BatchNorm vertex (what {@code feedForward(x, true)} computes, without detaching every
     * activation). A BatchNorm vertex's input is read when its turn comes, after its preprocessor.
     */
    private static void forward(ComputationGraph cg, List<Target> targets, INDArray features, long n,
            LayerWorkspaceMgr mgr) {
        GraphVertex[] vertices = cg.getVertices();
        int[] order = cg.topologicalSortOrder();
        Target lastTarget = targets.get(targets.size() - 1);
        int last = lastTarget.position;
        int next = 0;
        cg.setInput(0, features); // LayerVertex.setInput reads the batch size from the graph's input
        for (int k = 0; k <= last; k++) {
            GraphVertex v = vertices[order[k]];
            Target t = next < targets.size() && targets.get(next).position == k ? targets.get(next++) : null;
            if (t != null && t.fused == null) {
                INDArray input = v.getInputs()[0];
                accumulateInputMoments(t, t.preProcessor == null ? input : t.preProcessor.preProcess(input, (int) n, mgr), n);
            }
            if (k == last && lastTarget.fused == null) {
                break;
            }
            INDArray out = v.isInputVertex() ? features : v.doForward(true, mgr);
            if (t != null && t.fused != null) {
                accumulate(t, t.fused.lastBatchMoments(), n);
            }
            VertexIndices[] consumers = v.getOutputVertices();
            if (consumers != null && k < last) {
                for (VertexIndices c : consumers) {
                    vertices[c.getVertexIndex()].setInput(c.getVertexEdgeNumber(), out, mgr);
                }
            }
        }
    }

    private static List<Target> targets(Model net) {
        List<Target> targets = new ArrayList<>();
        if (net instanceof MultiLayerNetwork mln) {
            Layer[] layers = mln.getLayers();
            for (int i = 0; i < layers.length; i++) {
                if (ParamLayout.isBatchNorm(layers[i])) {
                    targets.add(new Target(layers[i], i, mln.getLayerWiseConfigurations().getInputPreProcess(i)));
                }
            }
        } else if (net instanceof ComputationGraph cg) {
            if (cg.getNumInputArrays() != 1) {
                throw new IllegalArgumentException("ComputationGraph has " + cg.getNumInputArrays()
                        + " inputs; BatchNormUpdate with a DataSetIterator supports exactly 1");
            }
            GraphVertex[] vertices = cg.getVertices();
            int[] order = cg.topologicalSortOrder();
            for (int k = 0; k < order.length; k++) {
                GraphVertex v = vertices[order[k]];
                if (!v.hasLayer() || !ParamLayout.isBatchNorm(v.getLayer())) {
                    continue;
                }
                VertexIndices[] inputs = v.getInputVertices();
                if (inputs == null || inputs.length != 1) {
                    throw new IllegalArgumentException("BatchNorm vertex " + v.getVertexName() + " has "
                            + (inputs == null ? 0 : inputs.length) + " inputs; expected 1");
                }
                InputPreProcessor pre = v instanceof LayerVertex lv ? lv.getLayerPreProcessor() : null;
                targets.add(new Target(v.getLayer(), k, pre));
            }
        } else {
            throw new IllegalArgumentException("net must be a MultiLayerNetwork or ComputationGraph, got "
                    + (net == null ? "null" : net.getClass().getName()));
        }
        return targets;
    }

    /** Adds the moments of a stock BatchNorm layer's (preprocessed) input, weighted by the batch size. */
    private static void accumulateInputMoments(Target t, INDArray input, long n) {
        // libnd4j's moments op (mean and biased variance) is about 5x faster than mean() then var()
        accumulate(t, Nd4j.exec(new Moments(input, reductionDims(t.layer, input))), n);
    }

    /** Adds {@code n * {mean, var}} to the target's sums, which live outside every workspace. */
    private static void accumulate(Target t, INDArray[] moments, long n) {
        INDArray mean = moments[0];
        INDArray var = moments[1];
        if (t.meanSum == null) {
            try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                t.meanSum = Nd4j.zeros(DataType.DOUBLE, mean.length());
                t.varSum = Nd4j.zeros(DataType.DOUBLE, var.length());
            }
        }
        t.meanSum.addi(mean.reshape(mean.length()).castTo(DataType.DOUBLE).muli(n));
        t.varSum.addi(var.reshape(var.length()).castTo(DataType.DOUBLE).muli(n));
    }

    private static int[] reductionDims(Layer layer, INDArray input) {
        if (input.rank() == 2) {
            return new int[] {0};
        }
        if (input.rank() == 4) {
            var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.conf().getLayer();
            return conf.getCnn2DFormat() == CNN2DFormat.NHWC ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
        }
        throw new IllegalArgumentException("BatchNorm layer " + layer.conf().getLayer().getLayerName()
                + " has input of rank " + input.rank() + "; supported ranks are 2 and 4");
    }

    private static void write(Target t, long examples) {
        INDArray mean = t.meanSum.divi(examples);
        INDArray var = t.varSum.divi(examples);
        Map<String, INDArray> params = t.layer.paramTable(false);
        INDArray meanParam = params.get("mean");
        meanParam.assign(mean.reshape(meanParam.shape()).castTo(meanParam.dataType()));
        INDArray varParam = params.get("var");
        if (varParam != null) {
            varParam.assign(var.reshape(varParam.shape()).castTo(varParam.dataType()));
            return;
        }
        INDArray logStdParam = params.get("log10stdev");
        if (logStdParam == null) {
            throw new IllegalStateException("BatchNorm layer " + t.layer.conf().getLayer().getLayerName()
                    + " has neither a 'var' nor a 'log10stdev' parameter: " + params.keySet());
        }
        double floor = logStdParam.dataType() == DataType.DOUBLE ? Double.MIN_NORMAL : Float.MIN_NORMAL;
        INDArray logStd = Transforms.log(Transforms.max(var, floor, false), 10.0, false).muli(0.5);
        logStdParam.assign(logStd.reshape(logStdParam.shape()).castTo(logStdParam.dataType()));
    }
}
