package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.swa4j.core.schedule.SwaSchedule;

/** The README's usage example, kept compiling and running. */
class ReadmeExampleTest {

    @Test
    void addSwaToAnExistingTrainingLoop() {
        List<DataSet> batches = TestNets.batches(1, 16, 16, 16);
        DataSetIterator train = TestNets.iterator(batches);
        INDArray features = batches.get(0).getFeatures();

        // --- README example begins ---
        int epochs = 6;
        int swaStart = 4;     // average after epochs 4, 5, 6 (1-based, as in the paper's code)
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .updater(new Nesterovs(SwaSchedule.swa(0.05, 0.01, swaStart, epochs), 0.9))
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        AveragedModel swa = AveragedModel.swa(net);                  // 1. keep a running average
        net.addListeners(AveragingListener.swa(swa, swaStart, 1));   // 2. fold in after each epoch >= swaStart
        net.fit(train, epochs);
        BatchNormUpdate.run(swa.model(), train);                     // 3. recompute BN statistics
        INDArray probabilities = ((MultiLayerNetwork) swa.model()).output(features);
        // --- README example ends ---

        assertEquals(3, swa.count());
        assertEquals(features.size(0), probabilities.size(0));
        for (int i = 0; i < probabilities.size(0); i++) {
            assertEquals(1.0, probabilities.getRow(i).sumNumber().doubleValue(), 1e-5);
        }
    }
}
