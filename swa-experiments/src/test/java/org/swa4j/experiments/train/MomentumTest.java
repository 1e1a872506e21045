package org.swa4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Heavy-ball momentum against torch.optim.SGD's rule worked by hand, and its rate set in place. */
class MomentumTest {

    @Test
    void twoStepsOfHeavyBall() {
        Momentum m = new Momentum(0.1, 0.9);
        INDArray view = Nd4j.zeros(DataType.DOUBLE, 1, 3);
        var u = m.instantiate(view, true);
        INDArray g1 = Nd4j.createFromArray(new double[][] {{1, -2, 0.5}});
        u.applyUpdater(g1, 0, 0);
        // v1 = g1; update = 0.1 * g1
        assertArrayEquals(new double[] {0.1, -0.2, 0.05}, g1.toDoubleVector(), 1e-12);
        INDArray g2 = Nd4j.createFromArray(new double[][] {{-1, 1, 1}});
        m.setLrAndSchedule(0.2, null);
        u.applyUpdater(g2, 1, 0);
        // v2 = 0.9 * (1, -2, .5) + (-1, 1, 1) = (-0.1, -0.8, 1.45); update = 0.2 * v2
        assertArrayEquals(new double[] {-0.02, -0.16, 0.29}, g2.toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {-0.1, -0.8, 1.45}, view.toDoubleVector(), 1e-12);
    }

    @Test
    void rejectsBadHyperparameters() {
        assertThrows(IllegalArgumentException.class, () -> new Momentum(0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new Momentum(0.1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> LearningRates.set(java.util.List.of(new Momentum()), -1));
    }

    @Test
    void learningRateSetInPlaceDrivesTheNextStepAndSurvivesSerialisation() throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build();
        LearningRates.configure(Networks.layersOf(conf), new Momentum(0.1, 0.9), 0.0);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        DataSet ds = new DataSet(Nd4j.createFromArray(new double[][] {{1, 2, 3}}), Nd4j.createFromArray(new double[][] {{1, 0}}));
        INDArray before = net.params().dup();
        net.setInputs(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        INDArray gradient = net.gradient().gradient().dup();
        LearningRates.set(net, 0.5);
        net.fit(ds);
        // first step: v = g, w = w - lr g with the rate set just before
        assertArrayEquals(before.sub(gradient.mul(0.5)).toDoubleVector(), net.params().toDoubleVector(), 1e-10);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.deeplearning4j.util.ModelSerializer.writeModel(net, out, true);
        ComputationGraph back = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(
                new java.io.ByteArrayInputStream(out.toByteArray()), true);
        assertEquals(1, LearningRates.updaters(back).size());
        assertEquals(0.5, LearningRates.updaters(back).get(0).getLearningRate(), 0);
        assertArrayEquals(net.getUpdater().getStateViewArray().toDoubleVector(), back.getUpdater().getStateViewArray().toDoubleVector(), 0);
    }
}
