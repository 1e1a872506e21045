package org.swa4j.experiments.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Width scan on a softmax regression whose test error at any point is counted here directly. */
class WidthScanTest {

    /** Test error (%) of softmax(x W + b) with W, b read from {@code w} through the network's own views. */
    private static double error(INDArray w, TrainableParameters layout, DataSet test) {
        MultiLayerNetwork holder = TestNetworks.softmaxRegression(4, 3, 0, 1);
        layout.write(w, holder);
        INDArray W = holder.getLayer(0).getParam("W");
        double[] b = holder.getLayer(0).getParam("b").toDoubleVector();
        INDArray x = test.getFeatures();
        int wrong = 0;
        for (int i = 0; i < x.size(0); i++) {
            int best = 0;
            double bestZ = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 3; k++) {
                double z = b[k];
                for (int j = 0; j < 4; j++) {
                    z += x.getDouble(i, j) * W.getDouble(j, k);
                }
                if (z > bestZ) {
                    bestZ = z;
                    best = k;
                }
            }
            wrong += test.getLabels().getDouble(i, best) == 1 ? 0 : 1;

        }
        return 100.0 * wrong / x.size(0);
    }

    @Test
    void pointsLieAtTheirDistanceAlongSeededDirectionsAndWidthIsTheFirstRise() {
        MultiLayerNetwork centreNet = TestNetworks.softmaxRegression(4, 3, 0, 5);
        DataSet test = TestNetworks.data(80, new long[] {4}, 3, 8);
        PointEvaluator evaluator = new PointEvaluator(TestNetworks.softmaxRegression(4, 3, 0, 6), (n, d) -> { },
                null, null, TestNetworks.iterator(test, 32));
        TrainableParameters layout = evaluator.layout();
        INDArray centre = layout.read(centreNet);
        double margin = 2.0;
        WidthScan.Result r = WidthScan.run(evaluator, centre, RandomDirections.Kind.UNIT_SPHERE, 3, 6, 1.5, margin, 77,
                Progress.silent(WidthScan.pointCount(3, 6, 1.5)));
        assertEquals(1 + 3 * 4, r.points().size());
        assertEquals(error(centre, layout, test), r.centre().testError(), 1e-9);

        SplittableRandom seeds = new SplittableRandom(77);
        for (int i = 0; i < 3; i++) {
            INDArray d = RandomDirections.unitSphere(layout, seeds.nextLong());
            double expectedWidth = Double.NaN;
            for (int k = 1; k <= 4; k++) {
                double distance = 1.5 * k;
                double expected = error(centre.add(d.mul(distance)), layout, test);
                int dir = i;
                WidthScan.Point p = r.points().stream()
                        .filter(q -> q.direction() == dir && Math.abs(q.distance() - distance) < 1e-12).findFirst().orElseThrow();
                assertEquals(expected, p.metrics().testError(), 1e-9, "direction " + i + " distance " + distance);
                if (Double.isNaN(expectedWidth) && expected > r.centre().testError() + margin) {
                    expectedWidth = distance;
                }
            }
            assertEquals(expectedWidth, r.widths().get(i).width(), 0, "width along direction " + i);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        PointEvaluator evaluator = new PointEvaluator(TestNetworks.softmaxRegression(4, 3, 0, 6), (n, d) -> { },
                null, null, TestNetworks.iterator(TestNetworks.data(8, new long[] {4}, 3, 8), 8));
        INDArray centre = evaluator.layout().read(evaluator.network());
        assertThrows(IllegalArgumentException.class, () -> WidthScan.run(evaluator, centre,
                RandomDirections.Kind.UNIT_SPHERE, 0, 1, 0.5, 1, 1, Progress.silent(1)));
        assertThrows(IllegalArgumentException.class, () -> WidthScan.run(evaluator, centre,
                RandomDirections.Kind.UNIT_SPHERE, 1, 1, 0.3, 1, 1, Progress.silent(1)));
        assertThrows(IllegalArgumentException.class, () -> WidthScan.run(evaluator, centre,
                RandomDirections.Kind.UNIT_SPHERE, 1, 1, 0.5, -1, 1, Progress.silent(1)));
    }
}
