package org.swa4j.experiments.train;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Sets the learning rate of every {@link Momentum} updater of a network in place. The updater
 * blocks of a DL4J network hold the layer configurations' own updater objects, so changing the
 * rate there takes effect at the next step with no rebuilding of the updater (state untouched).
 * The runner calls it before every epoch (SGD/SWA schedules) or iteration (FGE, cyclic SWA) with
 * the value of a {@code org.swa4j.core} schedule, from counters it keeps itself, so a resumed run
 * uses exactly the rates of an uninterrupted one.
 */
public final class LearningRates {

    private LearningRates() {
    }

    /** The Momentum updaters of {@code net} (weights and biases); rejects a net with none. */
    public static List<Momentum> updaters(ComputationGraph net) {
        List<Momentum> out = new ArrayList<>();
        for (GraphVertex v : net.getConfiguration().getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer b) {
                add(out, b.getIUpdater());
                add(out, b.getBiasUpdater());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("network has no Momentum updater; build it with Networks.create");
        }
        return out;
    }

    /** Sets learning rate {@code lr} (> 0) on every Momentum updater of {@code net}. */
    public static void set(ComputationGraph net, double lr) {
        set(updaters(net), lr);
    }

    /** Sets {@code lr} on the given updaters (cached by callers that change it every iteration). */
    public static void set(List<Momentum> updaters, double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate " + lr + " must be finite and > 0");
        }
        for (Momentum m : updaters) {
            m.setLrAndSchedule(lr, null);
        }
    }

    /**
     * Puts {@code updater} (a fresh copy per layer) and coupled L2 {@code wd} on every trainable layer
     * config, in both its weight and its bias list (a BatchNorm's gamma takes the first, beta the second).
     */
    static void configure(Iterable<Layer> layers, IUpdater updater, double wd) {
        var l2 = List.<org.nd4j.linalg.learning.regularization.Regularization>of(
                new org.nd4j.linalg.learning.regularization.L2Regularization(wd));
        for (Layer l : layers) {
            if (l instanceof BaseLayer b) {
                b.setIUpdater(updater.clone());
                b.setBiasUpdater(null);
                b.setRegularization(wd > 0 ? new ArrayList<>(l2) : new ArrayList<>());
                b.setRegularizationBias(wd > 0 ? new ArrayList<>(l2) : new ArrayList<>());
            }
        }
    }

    private static void add(List<Momentum> out, IUpdater u) {
        if (u instanceof Momentum m) {
            out.add(m);
        }
    }
}
