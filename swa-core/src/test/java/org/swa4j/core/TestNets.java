package org.swa4j.core;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks with BatchNorm layers and seeded data for the tests. */
final class TestNets {
    static final int CLASSES = 3;
    static final int SIZE = 6;

    private TestNets() {
    }

    /**
     * conv(4) -> BN (log10stdev) -> relu -> dense(5) -> BN (var) -> softmax(3), input 1x6x6.
     * Layer indices: 0 conv, 1 bn, 2 relu, 3 dense, 4 bn, 5 output.
     */
    static MultiLayerNetwork mln(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.05, 0.9)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().useLogStd(false).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(SIZE, SIZE, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * in -> bnIn (BN on the network input, log10stdev) -> conv(4) -> bn1 (var) -> relu -> dense(5)
     * -> bn2 (log10stdev) -> out (softmax 3).
     */
    static ComputationGraph graph(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.05, 0.9)).graphBuilder()
                .addInputs("in")
                .addLayer("bnIn", new BatchNormalization.Builder().build(), "in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "bnIn")
                .addLayer("bn1", new BatchNormalization.Builder().useLogStd(false).build(), "conv")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), "relu")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "bn2")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(SIZE, SIZE, 1))
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** Seeded batches of images (values shifted per channel so statistics differ) and one-hot labels. */
    static List<DataSet> batches(long seed, int... sizes) {
        Nd4j.getRandom().setSeed(seed);
        List<DataSet> out = new ArrayList<>();
        for (int n : sizes) {
            INDArray x = Nd4j.rand(DataType.FLOAT, n, 1, SIZE, SIZE).muli(3).addi(0.5);
            INDArray y = Nd4j.zeros(DataType.FLOAT, n, CLASSES);
            for (int i = 0; i < n; i++) {
                y.putScalar(i, i % CLASSES, 1.0);
            }
            out.add(new DataSet(x, y));
        }
        return out;
    }

    /** A resettable iterator over {@code batches}, one DataSet per batch. */
    static ExistingDataSetIterator iterator(List<DataSet> batches) {
        return new ExistingDataSetIterator(batches);
    }
}
