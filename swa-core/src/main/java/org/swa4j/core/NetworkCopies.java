package org.swa4j.core;

import org.deeplearning4j.nn.api.Model;
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
}
