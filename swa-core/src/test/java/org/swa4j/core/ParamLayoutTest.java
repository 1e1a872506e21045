package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The public layout of a network's flat parameters: where each parameter is, and which are BN statistics. */
class ParamLayoutTest {

    @Test
    void rangesCoverTheFlatVectorInOrderAndNameLayerAndKey() {
        ComputationGraph net = TestNets.graph(1);
        ParamLayout layout = ParamLayout.of(net);
        Layer[] layers = net.getLayers();
        long next = 0;
        for (ParamLayout.Range r : layout.ranges()) {
            assertEquals(next, r.offset(), r.name());
            Layer layer = layers[r.layerIndex()];
            assertEquals(layer.conf().getLayer().getLayerName(), r.layer(), r.name());
            INDArray view = layer.getParam(r.key());
            assertEquals(view.length(), r.length(), r.name());
            assertArrayEquals(view.shape(), r.shape(), r.name());
            next += r.length();
        }
        assertEquals(net.numParams(), next);
        assertEquals(net.numParams(), layout.numParams());
        assertEquals(List.of("bnIn/mean MEAN", "bnIn/log10stdev LOG10_STD", "bn1/mean MEAN", "bn1/var VAR",
                "bn2/mean MEAN", "bn2/log10stdev LOG10_STD"),
                layout.statistics().stream().map(r -> r.layer() + "/" + r.key() + " " + r.stat()).toList());
        assertTrue(layout.ranges().stream().filter(r -> !r.isStatistic()).allMatch(r -> r.stat() == null));
    }

    @Test
    void statisticsOfAMultiLayerNetworkAreItsBatchNormMeansAndVariances() {
        MultiLayerNetwork net = TestNets.mln(2);
        ParamLayout layout = ParamLayout.of(net);
        // layer 1: BN of 4 channels with log10stdev; layer 4: BN of 5 units with var
        assertEquals(List.of("1 mean 4", "1 log10stdev 4", "4 mean 5", "4 var 5"),
                layout.statistics().stream().map(r -> r.layerIndex() + " " + r.key() + " " + r.length()).toList());
        // conv 36+4, BN 4+4, dense 64*5+5, BN 5+5, output 5*3+3
        assertEquals(40 + 8 + 325 + 10 + 18,
                layout.ranges().stream().filter(r -> !r.isStatistic()).mapToLong(ParamLayout.Range::length).sum());
        assertEquals(419, layout.numParams());
    }

    @Test
    void rejectsWhatIsNotAnInitialisedNetwork() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ParamLayout.of(null));
        assertTrue(none.getMessage().contains("got null"), none.getMessage());
        MultiLayerNetwork uninitialised = new MultiLayerNetwork(TestNets.mln(3).getLayerWiseConfigurations().clone());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParamLayout.of(uninitialised));
        assertTrue(e.getMessage().contains("not initialised"), e.getMessage());
    }
}
