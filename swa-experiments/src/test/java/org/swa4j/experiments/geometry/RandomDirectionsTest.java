package org.swa4j.experiments.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class RandomDirectionsTest {

    @Test
    void unitSphereDirectionsHaveUnitNormAndDependOnlyOnTheSeed() {
        TrainableParameters layout = TrainableParameters.of(TestNetworks.convWithBatchNorm(1));
        INDArray d1 = RandomDirections.unitSphere(layout, 42);
        INDArray d2 = RandomDirections.unitSphere(layout, 42);
        INDArray d3 = RandomDirections.unitSphere(layout, 43);
        double sumSquares = 0;
        for (float f : d1.toFloatVector()) {
            sumSquares += (double) f * f;
        }
        assertEquals(1.0, Math.sqrt(sumSquares), 1e-5);
        assertArrayEquals(d1.toFloatVector(), d2.toFloatVector(), 0f);
        assertFalse(Arrays.equals(d1.toFloatVector(), d3.toFloatVector()));
    }

    @Test
    void gaussianValuesHaveStandardMoments() {
        float[] g = RandomDirections.gaussian(200_000, 7).toFloatVector();
        double mean = 0;
        double sq = 0;
        for (float f : g) {
            mean += f;
            sq += (double) f * f;
        }
        mean /= g.length;
        assertEquals(0, mean, 0.01);
        assertEquals(1, sq / g.length - mean * mean, 0.01);
    }

    @Test
    void filterNormalisedDirectionsHaveTheFilterNormsOfTheWeights() {
        MultiLayerNetwork net = TestNetworks.convWithBatchNorm(4);
        TrainableParameters layout = TrainableParameters.of(net);
        INDArray weights = layout.read(net);
        INDArray d = RandomDirections.filterNormalised(layout, weights, 9);
        MultiLayerNetwork holder = TestNetworks.convWithBatchNorm(4);
        layout.write(d, holder);

        // conv W [nOut=4, nIn=1, 3, 3]: one filter per output channel
        INDArray w0 = net.getLayer(0).getParam("W");
        INDArray d0 = holder.getLayer(0).getParam("W");
        for (int c = 0; c < 4; c++) {
            double wn = 0;
            double dn = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    wn += Math.pow(w0.getDouble(c, 0, i, j), 2);
                    dn += Math.pow(d0.getDouble(c, 0, i, j), 2);
                }
            }
            assertEquals(Math.sqrt(wn), Math.sqrt(dn), 1e-5 * Math.sqrt(wn), "conv filter " + c);
        }
        // dense W [nIn=64, nOut=6]: one filter per output unit (column)
        INDArray w2 = net.getLayer(2).getParam("W");
        INDArray d2 = holder.getLayer(2).getParam("W");
        for (int k = 0; k < 6; k++) {
            double wn = 0;
            double dn = 0;
            for (int j = 0; j < 64; j++) {
                wn += Math.pow(w2.getDouble(j, k), 2);
                dn += Math.pow(d2.getDouble(j, k), 2);
            }
            assertEquals(Math.sqrt(wn), Math.sqrt(dn), 1e-5 * Math.sqrt(wn), "dense unit " + k);
        }
        // biases and BN scale/shift do not move
        for (String key : new String[] {"b"}) {
            assertEquals(0, holder.getLayer(0).getParam(key).norm2Number().doubleValue(), 0);
            assertEquals(0, holder.getLayer(2).getParam(key).norm2Number().doubleValue(), 0);
        }
        assertEquals(0, holder.getLayer(1).getParam("gamma").norm2Number().doubleValue(), 0);
        assertEquals(0, holder.getLayer(3).getParam("beta").norm2Number().doubleValue(), 0);
        // and the direction is not the weights themselves
        assertFalse(Arrays.equals(weights.toFloatVector(), d.toFloatVector()));
    }
}
