package org.swa4j.models.layers.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.BatchNormUpdate;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;
import org.swa4j.models.layers.LayerFactories;

/**
 * BatchNormUpdate over a model built with the fused layers, whose BatchNorms report their own
 * moments, gives what it gives over the same model built with stock layers and the same weights
 * (stock BatchNorm inputs are read from the graph's activations, checked against directly computed
 * moments in swa-core's BatchNormUpdateTest).
 */
class FusedBatchNormUpdateTest {

    private static final InputShape INPUT = new InputShape(3, 8, 8);

    private static ComputationGraph build(String model, String layers) {
        ComputationGraph g = new ComputationGraph(Models.spec(model, 10, INPUT.channels(), INPUT.height(), INPUT.width())
                .config(new BuildSettings(LayerFactories.byName(layers), 42, DataType.DOUBLE)));
        g.init();
        return g;
    }

    /**
     * Where the two graphs name their parameters alike (preresnet: the fused BN-ReLU keeps the BN's
     * name) the flat order may still differ, so parameters are matched by name; where they do not
     * (cnn: one fused vertex holds the convolution and the BN) the flat layouts agree.
     */
    private static boolean sameNames(ComputationGraph stock, ComputationGraph fused) {
        return stock.paramTable().keySet().equals(fused.paramTable().keySet());
    }

    private static void copyParams(ComputationGraph stock, ComputationGraph fused) {
        if (sameNames(stock, fused)) {
            stock.paramTable().forEach((name, value) -> fused.getParam(name).assign(value));
        } else {
            fused.setParams(stock.params().dup());
        }
    }

    /** All parameters of {@code g}, ordered by the stock graph's names where the names agree. */
    private static INDArray aligned(ComputationGraph g, ComputationGraph stock, ComputationGraph fused) {
        if (!sameNames(stock, fused)) {
            return g.params();
        }
        List<INDArray> parts = new ArrayList<>();
        for (String name : stock.paramTable().keySet()) {
            parts.add(g.getParam(name).reshape(-1));
        }
        return Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"preresnet20", "cnn16"})
    void fusedAndStockModelsGetTheSameStatistics(String model) {
        ComputationGraph stock = build(model, "stock");
        ComputationGraph fused = build(model, "fused");
        assertEquals(stock.numParams(), fused.numParams(), "the fused layers keep the stock parameter layout");
        copyParams(stock, fused);
        INDArray probe = ModelTesting.randomImages(3, INPUT, 5).castTo(DataType.DOUBLE);
        double gap = stock.outputSingle(false, probe).sub(fused.outputSingle(false, probe)).amaxNumber().doubleValue();
        assertTrue(gap < 1e-10, "same weights, same inference output before the update; gap " + gap);

        // unequal batch sizes, so that the weighting by batch size matters
        List<DataSet> batches = new ArrayList<>();
        int[] sizes = {6, 6, 3};
        for (int b = 0; b < sizes.length; b++) {
            INDArray x = ModelTesting.randomImages(sizes[b], INPUT, 100 + b).castTo(DataType.DOUBLE).muli(2).addi(0.5);
            batches.add(new DataSet(x, Nd4j.zeros(DataType.DOUBLE, sizes[b], 10)));
        }
        INDArray before = stock.params().dup();
        BatchNormUpdate.run(stock, new ExistingDataSetIterator(batches));
        BatchNormUpdate.run(fused, new ExistingDataSetIterator(batches));
        assertTrue(before.sub(stock.params()).amaxNumber().doubleValue() > 1e-3, "the update changed the statistics");
        INDArray diff = aligned(stock, stock, fused).sub(aligned(fused, stock, fused));
        assertTrue(diff.amaxNumber().doubleValue() < 1e-9, "fused and stock statistics differ by " + diff.amaxNumber());
        assertTrue(stock.outputSingle(false, probe).equalsWithEps(fused.outputSingle(false, probe), 1e-9));
    }
}
