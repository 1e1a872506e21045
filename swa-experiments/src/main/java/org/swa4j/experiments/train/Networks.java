package org.swa4j.experiments.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.models.Models;
import org.swa4j.models.graph.FlatGradientUpdater;
import org.swa4j.models.layers.LayerFactories;
import org.swa4j.models.layers.LayerFactory;
import org.swa4j.models.layers.RegularisedBatchNormalization;

/**
 * The network a preset trains: {@code org.swa4j.models.Models} builds the architecture for the
 * data's shape and classes from the seed (or a pretrained model is loaded), and this class adds
 * what the models leave to the training code: heavy-ball {@link Momentum} with the preset's
 * lr_init and momentum on every trainable layer, and coupled L2 weight decay on every trainable
 * parameter, BatchNorm's gamma and beta included, as the reference's
 * {@code torch.optim.SGD(model.parameters(), weight_decay=wd)}: the models' BatchNorms are
 * {@link RegularisedBatchNormalization}s, and a pretrained network's stock DL4J BatchNorms are
 * turned into them (same parameters and computation).
 */
public final class Networks {

    private Networks() {
    }

    /** The layer implementation of the preset (null: the models' default). */
    public static LayerFactory layers(Preset p) {
        return p.layers() == null ? LayerFactories.defaultFactory() : LayerFactories.byName(p.layers());
    }

    public static String layerFactoryName(Preset p) {
        return layers(p).name();
    }

    /** Builds the configuration without training anything: rejects unknown models and impossible shapes. */
    public static void check(Preset p, ImageDataset data) {
        layers(p);
        Models.config(p.model(), data.numClasses(), data.channels(), data.height(), data.width(), 0L, layers(p));
    }

    /** A fresh network for seed {@code seed}, ready to train with {@link LearningRates}. */
    public static ComputationGraph create(Preset p, ImageDataset data, long seed) {
        ComputationGraphConfiguration conf;
        ComputationGraph pretrained = null;
        if (p.pretrained() != null) {
            try {
                pretrained = ModelSerializer.restoreComputationGraph(Path.of(p.pretrained()).toFile(), false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read pretrained model " + p.pretrained(), e);
            }
            conf = pretrained.getConfiguration().clone();
            decayBatchNormParameters(conf);
        } else {
            conf = Models.config(p.model(), data.numClasses(), data.channels(), data.height(), data.width(), seed, layers(p));
        }
        LearningRates.configure(layersOf(conf), new Momentum(p.lrInit(), p.momentum()), p.weightDecay());
        ComputationGraph net = new ComputationGraph(conf);
        if (pretrained != null) {
            net.init(pretrained.params().dup(), false);
        } else {
            net.init();
        }
        return FlatGradientUpdater.install(net);
    }

    /** Minibatch steps per training epoch: ceil(train size / batch size) (the last batch may be smaller). */
    public static long iterationsPerEpoch(Preset p, ImageDataset data) {
        return (data.trainSize() + p.batchSize() - 1) / p.batchSize();
    }

    /** Replaces every stock DL4J BatchNorm of {@code conf} by a {@link RegularisedBatchNormalization} copy. */
    static void decayBatchNormParameters(ComputationGraphConfiguration conf) {
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer().getClass() == BatchNormalization.class) {
                lv.getLayerConf().setLayer(RegularisedBatchNormalization.of((BatchNormalization) lv.getLayerConf().getLayer()));
            }
        }
    }

    static List<Layer> layersOf(ComputationGraphConfiguration conf) {
        List<Layer> out = new ArrayList<>();
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                out.add(lv.getLayerConf().getLayer());
            }
        }
        return out;
    }
}
