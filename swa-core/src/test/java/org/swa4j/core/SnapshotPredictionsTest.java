package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class SnapshotPredictionsTest {

    /** Two batches of 5 and 3 inputs: 8 rows of outputs. */
    private static final List<DataSet> INPUTS = TestNets.batches(21, 5, 3);

    /** {@code net}'s outputs on INPUTS, batch by batch, as doubles (rows in batch order). */
    private static double[][] outputs(Model net) {
        double[][] rows = new double[8][];
        int r = 0;
        for (DataSet b : INPUTS) {
            INDArray out = net instanceof MultiLayerNetwork mln ? mln.output(b.getFeatures(), false)
                    : ((ComputationGraph) net).output(false, b.getFeatures())[0];
            for (double[] row : out.toDoubleMatrix()) {
                rows[r++] = row;
            }
        }
        return rows;
    }

    @Test
    void theMeanIsTheSnapshotsOutputsSummedInDoubleAndDivided() {
        List<Model> nets = List.of(TestNets.mln(1), TestNets.mln(2), TestNets.mln(3));
        SnapshotPredictions p = SnapshotPredictions.on(TestNets.iterator(INPUTS));
        for (Model net : nets) {
            p.add(net);
        }
        assertEquals(3, p.size());
        double[][] a = outputs(nets.get(0));
        double[][] b = outputs(nets.get(1));
        double[][] c = outputs(nets.get(2));
        double[][] mean = p.mean().toDoubleMatrix();
        assertEquals(8, mean.length);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < TestNets.CLASSES; j++) {
                assertEquals((a[i][j] + b[i][j] + c[i][j]) / 3, mean[i][j], 0.0, "row " + i + ", class " + j);
            }
        }
    }

    @Test
    void aComputationGraphIsSummedTheSameWay() {
        ComputationGraph net = TestNets.graph(4);
        SnapshotPredictions p = SnapshotPredictions.on(TestNets.iterator(INPUTS));
        p.add(net);
        double[][] expected = outputs(net);
        double[][] mean = p.mean().toDoubleMatrix();
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < TestNets.CLASSES; j++) {
                assertEquals(expected[i][j], mean[i][j], 0.0);
            }
        }
    }

    @Test
    void resumingFromTheSumAndSizeContinuesBitForBit() {
        List<Model> nets = List.of(TestNets.mln(5), TestNets.mln(6), TestNets.mln(7));
        SnapshotPredictions whole = SnapshotPredictions.on(TestNets.iterator(INPUTS));
        nets.forEach(whole::add);
        SnapshotPredictions first = SnapshotPredictions.on(TestNets.iterator(INPUTS));
        first.add(nets.get(0));
        first.add(nets.get(1));
        SnapshotPredictions resumed = SnapshotPredictions.resume(TestNets.iterator(INPUTS), first.sum().dup(), first.size());
        resumed.add(nets.get(2));
        assertEquals(3, resumed.size());
        assertEquals(whole.sum(), resumed.sum());
        assertEquals(whole.mean(), resumed.mean());
    }

    @Test
    void badArgumentsAreRejectedByName() {
        assertThrows(IllegalArgumentException.class, () -> SnapshotPredictions.on(null));
        var inputs = TestNets.iterator(INPUTS);
        IllegalArgumentException noSum = assertThrows(IllegalArgumentException.class,
                () -> SnapshotPredictions.resume(inputs, null, 2));
        assertTrue(noSum.getMessage().contains("size 2"), noSum.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SnapshotPredictions.resume(inputs, Nd4j.zeros(8, 3), 0));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> SnapshotPredictions.resume(inputs, null, -1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        SnapshotPredictions wrongRows = SnapshotPredictions.resume(inputs, Nd4j.zeros(7, 3).castTo(
                org.nd4j.linalg.api.buffer.DataType.DOUBLE), 1);
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class, () -> wrongRows.add(TestNets.mln(8)));
        assertTrue(rows.getMessage().contains("8 rows") && rows.getMessage().contains("7"), rows.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SnapshotPredictions.on(inputs).add(null));
        assertThrows(IllegalStateException.class, () -> SnapshotPredictions.on(inputs).mean());
    }
}
