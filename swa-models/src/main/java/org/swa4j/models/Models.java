package org.swa4j.models;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.swa4j.models.graph.FlatGradientUpdater;
import org.swa4j.models.graph.GraphCost;
import org.swa4j.models.layers.LayerFactories;
import org.swa4j.models.layers.LayerFactory;

/**
 * The model zoo's entry point: every architecture by name, as a DL4J {@link ComputationGraph}
 * (one softmax output, cross-entropy loss; updater and regularisation are left to the training
 * code). Names follow {@link ModelNames}; unknown names are rejected with the list of known ones,
 * impossible specs with the rule they break.
 */
public final class Models {

    private Models() {
    }

    /** The named instances the project uses. */
    public static List<String> names() {
        return ModelNames.KNOWN;
    }

    /** The configuration of model {@code name}, built with the default layer factory. */
    public static ComputationGraphConfiguration config(String name, int numClasses, int channels, int height,
                                                       int width, long seed) {
        return config(name, numClasses, channels, height, width, seed, LayerFactories.defaultFactory());
    }

    /** The configuration of model {@code name}, built with {@code layers}. */
    public static ComputationGraphConfiguration config(String name, int numClasses, int channels, int height,
                                                       int width, long seed, LayerFactory layers) {
        return spec(name, numClasses, channels, height, width).config(BuildSettings.of(layers, seed));
    }

    /** Model {@code name}, initialised from {@code seed}, default layer factory. */
    public static ComputationGraph create(String name, int numClasses, int channels, int height, int width,
                                          long seed) {
        return create(name, numClasses, channels, height, width, seed, LayerFactories.defaultFactory());
    }

    /**
     * Model {@code name}, initialised from {@code seed}, built with {@code layers}, with the
     * {@link FlatGradientUpdater} installed (DL4J's updater on its direct path).
     */
    public static ComputationGraph create(String name, int numClasses, int channels, int height, int width,
                                          long seed, LayerFactory layers) {
        ComputationGraph graph = new ComputationGraph(config(name, numClasses, channels, height, width, seed, layers));
        graph.init();
        return FlatGradientUpdater.install(graph);
    }

    /** The spec {@code name} denotes. */
    public static ModelSpec spec(String name, int numClasses, int channels, int height, int width) {
        return ModelNames.parse(name, numClasses, new InputShape(channels, height, width));
    }

    /** Parameters (10 and 100 classes) and MACs per image of model {@code name} on CIFAR-shaped input. */
    public static ModelInfo info(String name) {
        return info(name, InputShape.CIFAR);
    }

    /** Parameters (10 and 100 classes) and MACs per image of model {@code name} on {@code input}. */
    public static ModelInfo info(String name, InputShape input) {
        BuildSettings settings = BuildSettings.of(0L);
        GraphCost ten = GraphCost.of(ModelNames.parse(name, 10, input).config(settings), input);
        GraphCost hundred = GraphCost.of(ModelNames.parse(name, 100, input).config(settings), input);
        return new ModelInfo(name, input, ten.trainableParams(), hundred.trainableParams(), ten.multiplyAccumulates());
    }
}
