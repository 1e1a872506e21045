package org.swa4j.data.iterate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.data.augment.ChannelNormaliser;
import org.swa4j.data.augment.PadCropFlip;
import org.swa4j.data.image.LabelledImages;

/** DL4J's fit(iterator) resets an exhausted iterator before a pass: each fit call then trains on the next pass. */
class Dl4jFitTest {
    @Test
    void consecutiveFitCallsConsumeConsecutivePasses() {
        int n = 21;
        byte[] px = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int k = 0; k < 16; k++) {
                px[i * 16 + k] = (byte) (labels[i] * 80 + k);
            }
        }
        LabelledImages images = new LabelledImages("t", List.of("a", "b", "c"), 1, 4, 4, px, labels);
        PrefetchingBatchIterator it = new PrefetchingBatchIterator(images, new PadCropFlip(1, 4, 0.5),
                ChannelNormaliser.ofImages(images), images.classNames(), 1, 5, 9, true, false, 2);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX)
                        .lossFunction(LossFunctions.LossFunction.MCXENT).build())
                .setInputType(InputType.convolutional(4, 4, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<Integer> batchSizes = new ArrayList<>();
        net.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                batchSizes.add((int) ((MultiLayerNetwork) model).getInput().size(0));
            }
        });
        net.fit(it);
        assertEquals(0, it.epoch());
        assertFalse(it.hasNext());
        net.fit(it);
        assertEquals(1, it.epoch());
        // 21 examples in batches of 5: 5, 5, 5, 5, 1 per pass, the partial batch included
        assertEquals(List.of(5, 5, 5, 5, 1, 5, 5, 5, 5, 1), batchSizes);
    }
}
