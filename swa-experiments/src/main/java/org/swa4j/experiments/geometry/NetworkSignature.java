package org.swa4j.experiments.geometry;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What two networks must share for their weights to be averaged or interpolated: the kind
 * (MultiLayerNetwork or ComputationGraph), the sequence of layers (configuration class, name,
 * activation) and the parameter layout ({@link TrainableParameters}: names, shapes and offsets of
 * every parameter, and the total including BN statistics). Hyperparameters such as the learning
 * rate or the updater state are not part of it.
 */
public record NetworkSignature(String kind, List<String> layers, TrainableParameters parameters) {

    /** The signature of {@code net}. */
    public static NetworkSignature of(Model net) {
        Layer[] layers = TrainableParameters.layersOf(net);
        List<String> descriptions = new ArrayList<>();
        for (Layer layer : layers) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            String activation = conf instanceof BaseLayer base && base.getActivationFn() != null
                    ? " " + base.getActivationFn() : "";
            descriptions.add(conf.getClass().getSimpleName() + " '" + conf.getLayerName() + "'" + activation);
        }
        String kind = net instanceof ComputationGraph ? "ComputationGraph" : "MultiLayerNetwork";
        return new NetworkSignature(kind, List.copyOf(descriptions), TrainableParameters.of(net));
    }

    /** The first difference of {@code other} from this signature, or {@code null} when they match. */
    public String mismatch(NetworkSignature other) {
        if (!kind.equals(other.kind)) {
            return "it is a " + other.kind + ", not a " + kind;
        }
        if (layers.size() != other.layers.size()) {
            return "it has " + other.layers.size() + " layers, not " + layers.size();
        }
        for (int i = 0; i < layers.size(); i++) {
            if (!layers.get(i).equals(other.layers.get(i))) {
                return "layer " + i + " is " + other.layers.get(i) + ", not " + layers.get(i);
            }
        }
        return parameters.mismatch(other.parameters);
    }
}
