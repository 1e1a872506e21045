package org.swa4j.experiments.train;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training accuracy for free: during {@code fit}, DL4J hands listeners the activations of every
 * vertex before the output layer ({@code onForwardPass}, training mode, before the update). The
 * output layer is a dense softmax layer, so the predicted class is {@code argmax(x W + b)} of its
 * input x (softmax is monotone): no second forward pass. Works for ComputationGraphs with one
 * dense {@link OutputLayer}; rejects others at construction. The caller sets each batch's labels
 * before {@code fit} and reads {@link #correct()} / {@link #seen()}.
 */
public final class TrainAccuracyListener extends BaseTrainingListener {

    private final String outputName;
    private final String inputName;
    private INDArray labels;
    private long correct;
    private long seen;

    public TrainAccuracyListener(ComputationGraph net) {
        var conf = net.getConfiguration();
        if (conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("training accuracy needs one network output; got " + conf.getNetworkOutputs());
        }
        outputName = conf.getNetworkOutputs().get(0);
        var vertex = conf.getVertices().get(outputName);
        if (!(vertex instanceof LayerVertex lv) || !(lv.getLayerConf().getLayer() instanceof OutputLayer)) {
            throw new IllegalArgumentException("training accuracy needs a dense OutputLayer as output '" + outputName + "'");
        }
        List<String> inputs = conf.getVertexInputs().get(outputName);
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("output layer '" + outputName + "' must have one input; got " + inputs);
        }
        inputName = inputs.get(0);
    }

    /** The one-hot labels of the batch about to be fitted. */
    public void setLabels(INDArray labels) {
        this.labels = labels;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        INDArray x = activations.get(inputName);
        if (x == null || labels == null) {
            return;
        }
        if (x.rank() > 2) {
            x = x.reshape('c', x.size(0), x.length() / x.size(0));
        }
        Layer out = ((ComputationGraph) model).getLayer(outputName);
        INDArray logits = x.castTo(out.getParam("W").dataType()).mmul(out.getParam("W")).addiRowVector(out.getParam("b"));
        INDArray predicted = logits.argMax(1);
        INDArray truth = labels.argMax(1);
        correct += predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.INT64).sumNumber().longValue();
        seen += labels.size(0);
        labels = null;
    }

    /** Examples classified correctly since the last {@link #reset()}. */
    public long correct() {
        return correct;
    }

    /** Examples seen since the last {@link #reset()}. */
    public long seen() {
        return seen;
    }

    public void reset() {
        correct = 0;
        seen = 0;
    }
}
