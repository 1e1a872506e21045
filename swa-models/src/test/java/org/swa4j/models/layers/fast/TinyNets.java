package org.swa4j.models.layers.fast;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.models.layers.LayerFactory;

/** A small network with every layer kind the factories make, built from any factory. */
final class TinyNets {

    static final int CHANNELS = 2;
    static final int SIZE = 8;
    static final int CLASSES = 3;

    private TinyNets() {
    }

    static MultiLayerNetwork cnn(LayerFactory f, DataType dataType, IUpdater updater, long seed) {
        List<Layer> layers = new ArrayList<>();
        layers.addAll(f.convBnRelu(CHANNELS, 4, 3, 1, 1));
        layers.add(f.maxPool(2, 2));
        layers.add(f.conv(4, 5, 3, 2, 1, true));
        layers.addAll(f.bnRelu(5));
        layers.add(f.conv(5, 6, 1, 1, 0, false));
        layers.add(f.batchNorm(6));
        layers.add(f.avgPool(2, 1));
        layers.add(f.globalAvgPool());
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(dataType).updater(updater).weightInit(WeightInit.RELU).list();
        for (Layer l : layers) {
            b.layer(l);
        }
        MultiLayerConfiguration conf = b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(CLASSES).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(SIZE, SIZE, CHANNELS))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static INDArray input(DataType dataType, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(dataType, batch, CHANNELS, SIZE, SIZE);
    }

    static INDArray labels(DataType dataType, int batch, long seed) {
        INDArray y = Nd4j.zeros(dataType, batch, CLASSES);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, r.nextInt(CLASSES), 1.0);
        }
        return y;
    }
}
