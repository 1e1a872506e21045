package org.swa4j.experiments.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** The line through two softmax-regression solutions against its loss computed in closed form. */
class LineScanTest {

    private static final int IN = 4;
    private static final int OUT = 3;
    private static final double L2 = 0.05;

    /** Mean cross-entropy + 0.5 l2 ||W||^2 and error (%) of softmax(x W + b), all in double. */
    private static double[] closedForm(double[][] w, double[] b, DataSet data) {
        INDArray x = data.getFeatures();
        INDArray y = data.getLabels();
        int n = (int) x.size(0);
        double loss = 0;
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            double[] z = new double[OUT];
            int label = 0;
            for (int k = 0; k < OUT; k++) {
                z[k] = b[k];
                for (int j = 0; j < IN; j++) {
                    z[k] += x.getDouble(i, j) * w[j][k];
                }
                if (y.getDouble(i, k) == 1) {
                    label = k;
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            int argmax = 0;
            for (int k = 0; k < OUT; k++) {
                if (z[k] > max) {
                    max = z[k];
                    argmax = k;
                }
            }
            double sum = 0;
            for (double zk : z) {
                sum += Math.exp(zk - max);
            }
            loss += max + Math.log(sum) - z[label];
            wrong += argmax == label ? 0 : 1;
        }
        double l2 = 0;
        for (double[] row : w) {
            for (double v : row) {
                l2 += v * v;
            }
        }
        return new double[] {loss / n + 0.5 * L2 * l2, loss / n, 100.0 * wrong / n};
    }

    private static double[][] weights(MultiLayerNetwork net) {
        INDArray w = net.getLayer(0).getParam("W");
        double[][] out = new double[IN][OUT];
        for (int j = 0; j < IN; j++) {
            for (int k = 0; k < OUT; k++) {
                out[j][k] = w.getDouble(j, k);
            }
        }
        return out;
    }

    @Test
    void lossAndErrorAlongTheLineMatchTheClosedForm() {
        MultiLayerNetwork a = TestNetworks.softmaxRegression(IN, OUT, L2, 11);
        MultiLayerNetwork b = TestNetworks.softmaxRegression(IN, OUT, L2, 12);
        a.getLayer(0).getParam("b").assign(org.nd4j.linalg.factory.Nd4j.createFromArray(0.3f, -0.2f, 0.1f).reshape(1, 3));
        b.getLayer(0).getParam("W").muli(3);
        double[][] wa = weights(a);
        double[][] wb = weights(b);
        double[] ba = a.getLayer(0).getParam("b").toDoubleVector();
        double[] bb = b.getLayer(0).getParam("b").toDoubleVector();
        DataSet train = TestNetworks.data(60, new long[] {IN}, OUT, 1);
        DataSet test = TestNetworks.data(50, new long[] {IN}, OUT, 2);

        MultiLayerNetwork work = TestNetworks.softmaxRegression(IN, OUT, L2, 99);
        PointEvaluator evaluator = new PointEvaluator(work, (net, data) -> {
            throw new AssertionError("no BN layers: recalibration must not be called");
        }, null, TestNetworks.iterator(train, 16), TestNetworks.iterator(test, 7));
        TrainableParameters layout = evaluator.layout();
        double[] ts = LineScan.grid(-1, 2, 0.25);
        assertEquals(13, ts.length);
        List<LineScan.Point> points = LineScan.run(evaluator, layout.read(a), layout.read(b), ts, Progress.silent(ts.length));

        for (int p = 0; p < ts.length; p++) {
            double t = ts[p];
            double[][] w = new double[IN][OUT];
            double[] bias = new double[OUT];
            for (int k = 0; k < OUT; k++) {
                bias[k] = ba[k] + t * (bb[k] - ba[k]);
                for (int j = 0; j < IN; j++) {
                    w[j][k] = wa[j][k] + t * (wb[j][k] - wa[j][k]);
                }
            }
            double[] trainExpected = closedForm(w, bias, train);
            double[] testExpected = closedForm(w, bias, test);
            PointMetrics m = points.get(p).metrics();
            assertEquals(t, points.get(p).t(), 0);
            assertEquals(trainExpected[0], m.trainLoss(), 1e-4 * Math.max(1, trainExpected[0]), "train loss at t=" + t);
            assertEquals(trainExpected[2], m.trainError(), 1e-9, "train error at t=" + t);
            assertEquals(testExpected[1], m.testLoss(), 1e-4 * Math.max(1, testExpected[1]), "test loss at t=" + t);
            assertEquals(testExpected[2], m.testError(), 1e-9, "test error at t=" + t);
        }
    }

    @Test
    void gridIncludesEndpointsExactly() {
        double[] ts = LineScan.grid(-1, 2, 0.1);
        assertEquals(31, ts.length);
        assertEquals(0.0, ts[10], 0);
        assertEquals(1.0, ts[20], 0);
        assertEquals(2.0, ts[30], 0);
        assertArrayEquals(new double[] {0, 0.5, 1}, LineScan.grid(0, 1, 0.5), 0);
    }

    @Test
    void badGridsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LineScan.grid(-1, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> LineScan.grid(2, -1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> LineScan.grid(0, 1, 0.3));
        assertThrows(IllegalArgumentException.class, () -> LineScan.grid(0, 1, Double.NaN));
    }
}
