package org.swa4j.experiments.bench;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.swa4j.models.Models;
import org.swa4j.models.graph.FlatGradientUpdater;
import org.swa4j.models.layers.LayerFactory;

/**
 * The network a benchmark times: the named model of {@link Models}, built with the given layer
 * factory, with SGD momentum 0.9 (DL4J's {@code Nesterovs}; heavy-ball and Nesterov momentum cost
 * the same) and L2 5e-4 on every parameter (weights, biases, BatchNorm gamma and beta), as the
 * PyTorch peer script's {@code weight_decay}.
 */
final class BenchModels {

    private static final double LEARNING_RATE = 0.05;
    private static final double MOMENTUM = 0.9;
    private static final double WEIGHT_DECAY = 5e-4;

    private BenchModels() {
    }

    static ComputationGraph build(BenchSettings a, LayerFactory layers) {
        ComputationGraphConfiguration conf = Models.config(a.model(), a.classes(), a.channels(), a.height(), a.width(),
                a.seed(), layers);
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer layer) {
                layer.setIUpdater(new Nesterovs(LEARNING_RATE, MOMENTUM));
                layer.setRegularization(List.of(new L2Regularization(WEIGHT_DECAY)));
                layer.setRegularizationBias(List.of(new L2Regularization(WEIGHT_DECAY)));
            }
        }
        WorkspaceMode mode = a.workspaces() ? WorkspaceMode.ENABLED : WorkspaceMode.NONE;
        conf.setTrainingWorkspaceMode(mode);
        conf.setInferenceWorkspaceMode(mode);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        FlatGradientUpdater.install(net);
        return net;
    }
}
