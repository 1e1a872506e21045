package org.swa4j.core;

import java.util.function.Supplier;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Independent copies of a network: a fresh configuration clone initialised with a copy of the
 * parameters, so that (unlike {@code ComputationGraph.clone()}) no listener list, updater state or
 * array is shared with the original.
 */
final class NetworkCopies {
    private NetworkCopies() {
    }

    /** A new network of the same kind and configuration holding a copy of {@code net}'s parameters. */
    static Model copyOf(Model net) {
        if (net instanceof MultiLayerNetwork mln) {
            MultiLayerNetwork copy = new MultiLayerNetwork(mln.getLayerWiseConfigurations().clone());
            copy.init(mln.params().dup(), false);
            return copy;
        }
        if (net instanceof ComputationGraph cg) {
            ComputationGraph copy = new ComputationGraph(cg.getConfiguration().clone());
            copy.init(cg.params().dup(), false);
            return copy;
        }
        throw new IllegalArgumentException("net must be a MultiLayerNetwork or ComputationGraph, got "
                + (net == null ? "null" : net.getClass().getName()));
    }

    /**
     * Makes new networks of {@code net}'s kind and configuration, each initialised as its
     * configuration says (its seed included); keeps a clone of the configuration, not the network.
     */
    static Supplier<Model> factory(Model net) {
        if (net instanceof MultiLayerNetwork mln) {
            MultiLayerConfiguration conf = mln.getLayerWiseConfigurations().clone();
            return () -> {
                MultiLayerNetwork fresh = new MultiLayerNetwork(conf.clone());
                fresh.init();
                return fresh;
            };
        }
        if (net instanceof ComputationGraph cg) {
            ComputationGraphConfiguration conf = cg.getConfiguration().clone();
            return () -> {
                ComputationGraph fresh = new ComputationGraph(conf.clone());
                fresh.init();
                return fresh;
            };
        }
        throw new IllegalArgumentException("net must be a MultiLayerNetwork or ComputationGraph, got "
                + (net == null ? "null" : net.getClass().getName()));
    }
}
