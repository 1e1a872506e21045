package org.swa4j.core;

import java.util.ArrayList;
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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
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
 * zero variance gives a finite value (DL4J adds {@code eps} at inference). Layers implementing
 * {@link FusedBatchNorm} supply their moments from {@link FusedBatchNorm#batchMoments}.
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

    private BatchNormUpdate() {
    }

    /** One BatchNorm layer: where its input comes from and the moments accumulated so far. */
    private static final class Target {
        final Layer layer;
        final String inputName;   // ComputationGraph: vertex or input name
        final int inputIndex;     // MultiLayerNetwork: index in feedForward's list
        final InputPreProcessor preProcessor;
        INDArray meanSum;
        INDArray varSum;

        Target(Layer layer, String inputName, int inputIndex, InputPreProcessor preProcessor) {
            this.layer = layer;
            this.inputName = inputName;
            this.inputIndex = inputIndex;
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
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        while (data.hasNext()) {
            DataSet batch = data.next();
            INDArray features = batch.getFeatures();
            long n = features.size(0);
            if (net instanceof MultiLayerNetwork mln) {
                forwardToLastBatchNorm(mln, targets, features, n, mgr);
            } else {
                Map<String, INDArray> activations = ((ComputationGraph) net).feedForward(new INDArray[] {features}, true);
                for (Target t : targets) {
                    accumulate(t, activations.get(t.inputName), n, mgr);
                }
            }
            examples += n;
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
     * (as {@code feedForwardToLayer(last, x, true)} computes it, without detaching every activation).
     */
    private static void forwardToLastBatchNorm(MultiLayerNetwork mln, List<Target> targets, INDArray features,
            long n, LayerWorkspaceMgr mgr) {
        Layer[] layers = mln.getLayers();
        int last = targets.get(targets.size() - 1).inputIndex;
        INDArray current = features;
        int next = 0;
        for (int i = 0; i <= last; i++) {
            InputPreProcessor pre = mln.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null) {
                current = pre.preProcess(current, (int) n, mgr);
            }
            if (targets.get(next).inputIndex == i) {
                accumulateMoments(targets.get(next), current, n);
                next++;
            }
            if (i < last) {
                current = layers[i].activate(current, true, mgr);
            }
        }
    }

    private static List<Target> targets(Model net) {
        List<Target> targets = new ArrayList<>();
        if (net instanceof MultiLayerNetwork mln) {
            Layer[] layers = mln.getLayers();
            for (int i = 0; i < layers.length; i++) {
                if (ParamLayout.isBatchNorm(layers[i])) {
                    targets.add(new Target(layers[i], null, i, mln.getLayerWiseConfigurations().getInputPreProcess(i)));
                }
            }
        } else if (net instanceof ComputationGraph cg) {
            if (cg.getNumInputArrays() != 1) {
                throw new IllegalArgumentException("ComputationGraph has " + cg.getNumInputArrays()
                        + " inputs; BatchNormUpdate with a DataSetIterator supports exactly 1");
            }
            GraphVertex[] vertices = cg.getVertices();
            for (GraphVertex v : vertices) {
                if (!v.hasLayer() || !ParamLayout.isBatchNorm(v.getLayer())) {
                    continue;
                }
                VertexIndices[] inputs = v.getInputVertices();
                if (inputs == null || inputs.length != 1) {
                    throw new IllegalArgumentException("BatchNorm vertex " + v.getVertexName() + " has "
                            + (inputs == null ? 0 : inputs.length) + " inputs; expected 1");
                }
                String inputName = vertices[inputs[0].getVertexIndex()].getVertexName();
                InputPreProcessor pre = v instanceof LayerVertex lv ? lv.getLayerPreProcessor() : null;
                targets.add(new Target(v.getLayer(), inputName, -1, pre));
            }
        } else {
            throw new IllegalArgumentException("net must be a MultiLayerNetwork or ComputationGraph, got "
                    + (net == null ? "null" : net.getClass().getName()));
        }
        return targets;
    }

    private static void accumulate(Target t, INDArray input, long n, LayerWorkspaceMgr mgr) {
        if (t.preProcessor != null) {
            input = t.preProcessor.preProcess(input, (int) n, mgr);
        }
        accumulateMoments(t, input, n);
    }

    private static void accumulateMoments(Target t, INDArray input, long n) {
        INDArray mean;
        INDArray var;
        if (t.layer instanceof FusedBatchNorm fused) {
            INDArray[] moments = fused.batchMoments(input);
            mean = moments[0];
            var = moments[1];
        } else {
            int[] dims = reductionDims(t.layer, input);
            mean = input.mean(dims);
            var = input.var(false, dims);
        }
        INDArray weightedMean = mean.reshape(mean.length()).castTo(DataType.DOUBLE).muli(n);
        INDArray weightedVar = var.reshape(var.length()).castTo(DataType.DOUBLE).muli(n);
        if (t.meanSum == null) {
            t.meanSum = weightedMean;
            t.varSum = weightedVar;
        } else {
            t.meanSum.addi(weightedMean);
            t.varSum.addi(weightedVar);
        }
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
