package org.swa4j.experiments.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainableParametersTest {

    /** The non-statistics entries of paramTable(), each flattened in its own ordering, concatenated. */
    private static float[] expectedTrainable(Model net, List<String> keptKeys) {
        List<Float> values = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : paramTable(net).entrySet()) {
            String key = e.getKey().substring(e.getKey().lastIndexOf('_') + 1);
            if (key.equals("mean") || key.equals("var") || key.equals("log10stdev")) {
                continue;
            }
            keptKeys.add(e.getKey());
            INDArray flat = Nd4j.toFlattened(e.getValue().ordering(), e.getValue());
            for (float f : flat.toFloatVector()) {
                values.add(f);
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static Map<String, INDArray> paramTable(Model net) {
        return net instanceof MultiLayerNetwork m ? m.paramTable() : ((ComputationGraph) net).paramTable();
    }

    @Test
    void readSkipsBatchNormStatisticsOfAMultiLayerNetwork() {
        MultiLayerNetwork net = TestNetworks.convWithBatchNorm(3);
        List<String> kept = new ArrayList<>();
        float[] expected = expectedTrainable(net, kept);
        TrainableParameters layout = TrainableParameters.of(net);
        assertTrue(layout.hasBatchNorm());
        assertEquals(kept.size(), layout.segments().size());
        // conv W+b (36+4), BN gamma+beta (4+4), dense W+b (64*6+6), BN gamma+beta (6+6), out W+b (18+3)
        assertEquals(40 + 8 + 390 + 12 + 21, layout.length());
        assertArrayEquals(expected, layout.read(net).toFloatVector(), 0f);
    }

    @Test
    void readSkipsBatchNormStatisticsOfAComputationGraph() {
        ComputationGraph net = TestNetworks.graphWithBatchNorm(5);
        List<String> kept = new ArrayList<>();
        float[] expected = expectedTrainable(net, kept);
        TrainableParameters layout = TrainableParameters.of(net);
        assertEquals(List.of("dense_W", "dense_b", "bn_gamma", "bn_beta", "out_W", "out_b"), kept);
        assertEquals(25 + 10 + 18, layout.length());
        assertArrayEquals(expected, layout.read(net).toFloatVector(), 0f);
    }

    @Test
    void writeChangesTrainableParametersAndLeavesStatistics() {
        MultiLayerNetwork net = TestNetworks.convWithBatchNorm(3);
        INDArray statsBefore = net.getLayer(1).getParam("var").dup();
        net.getLayer(1).getParam("var").assign(2.5);
        TrainableParameters layout = TrainableParameters.of(net);
        INDArray w = Nd4j.linspace(DataType.FLOAT, 1, layout.length(), 1);
        layout.write(w, net);
        assertArrayEquals(w.toFloatVector(), layout.read(net).toFloatVector(), 0f);
        assertEquals(2.5, net.getLayer(1).getParam("var").getDouble(0), 0);
        // the network's own parameter views (not the layout's offsets) see the written values
        assertArrayEquals(w.toFloatVector(), expectedTrainable(net, new ArrayList<>()), 0f);
        assertNotNull(statsBefore);
    }

    @Test
    void layoutsOfDifferentArchitecturesMismatch() {
        TrainableParameters a = TrainableParameters.of(TestNetworks.convWithBatchNorm(1));
        TrainableParameters b = TrainableParameters.of(TestNetworks.convWithBatchNorm(2));
        TrainableParameters c = TrainableParameters.of(TestNetworks.softmaxRegression(4, 3, 0, 1));
        assertNull(a.mismatch(b));
        assertNotNull(a.mismatch(c));
        assertThrows(IllegalArgumentException.class, () -> a.write(Nd4j.zeros(DataType.FLOAT, 3), TestNetworks.convWithBatchNorm(1)));
    }
}
