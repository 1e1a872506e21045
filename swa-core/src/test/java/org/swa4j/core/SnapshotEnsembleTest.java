package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class SnapshotEnsembleTest {

    private static INDArray liveOutput(Model net, INDArray x) {
        return net instanceof MultiLayerNetwork mln ? mln.output(x, false)
                : ((ComputationGraph) net).output(false, x)[0];
    }

    private static void fit(Model net, DataSet d) {
        if (net instanceof MultiLayerNetwork mln) {
            mln.fit(d);
        } else {
            ((ComputationGraph) net).fit(d);
        }
    }

    /** Expected: the mean of the softmax outputs the live network gave at each snapshot. */
    private static void ensembleIsMeanOfSoftmaxOutputs(Model net, SnapshotEnsemble ensemble) {
        List<DataSet> train = TestNets.batches(3, 8, 8);
        INDArray x = TestNets.batches(4, 5).get(0).getFeatures();
        int k = 3;
        double[][] expected = new double[5][TestNets.CLASSES];
        for (int s = 0; s < k; s++) {
            for (int step = 0; step < 2; step++) {
                fit(net, train.get(step));
            }
            INDArray out = liveOutput(net, x);
            for (int i = 0; i < 5; i++) {
                for (int c = 0; c < TestNets.CLASSES; c++) {
                    expected[i][c] += out.getDouble(i, c) / k;
                }
            }
            ensemble.add(net);
        }
        assertEquals(k, ensemble.size());
        INDArray p = ensemble.predict(x);
        for (int i = 0; i < 5; i++) {
            double rowSum = 0;
            for (int c = 0; c < TestNets.CLASSES; c++) {
                assertEquals(expected[i][c], p.getDouble(i, c), 1e-6, "row " + i + " class " + c);
                rowSum += p.getDouble(i, c);
            }
            assertEquals(1.0, rowSum, 1e-5);
        }
    }

    @Test
    void inMemoryMultiLayerNetwork() {
        MultiLayerNetwork net = TestNets.mln(1);
        ensembleIsMeanOfSoftmaxOutputs(net, SnapshotEnsemble.inMemory(net));
    }

    @Test
    void onDiskComputationGraph(@TempDir Path dir) throws Exception {
        ComputationGraph net = TestNets.graph(2);
        SnapshotEnsemble ensemble = SnapshotEnsemble.onDisk(net, dir.resolve("snapshots"));
        ensembleIsMeanOfSoftmaxOutputs(net, ensemble);
        assertEquals(3, ensemble.files().size());
        for (Path f : ensemble.files()) {
            assertTrue(Files.size(f) > net.numParams() * 4, f.toString());
        }
    }

    @Test
    void onDiskMultiLayerNetwork(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(5);
        ensembleIsMeanOfSoftmaxOutputs(net, SnapshotEnsemble.onDisk(net, dir));
    }

    @Test
    void inMemoryComputationGraph() {
        ComputationGraph net = TestNets.graph(6);
        ensembleIsMeanOfSoftmaxOutputs(net, SnapshotEnsemble.inMemory(net));
    }

    @Test
    void badInputIsRejected() {
        MultiLayerNetwork net = TestNets.mln(7);
        SnapshotEnsemble ensemble = SnapshotEnsemble.inMemory(net);
        INDArray x = TestNets.batches(1, 2).get(0).getFeatures();
        assertThrows(IllegalStateException.class, () -> ensemble.predict(x));
        IllegalArgumentException layout = assertThrows(IllegalArgumentException.class,
                () -> ensemble.add(FusedProbe.network(1)));
        assertTrue(layout.getMessage().contains("parameters"), layout.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ensemble.add(null));
        assertThrows(IllegalArgumentException.class, () -> ensemble.predict(null));
        assertThrows(IllegalArgumentException.class, () -> SnapshotEnsemble.onDisk(net, null));
    }
}
