package org.swa4j.experiments.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
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
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks and data sets built for the tests. */
public final class TestNetworks {

    private TestNetworks() {
    }

    /** Softmax regression {@code p = softmax(x W + b)}, DL4J {@code l2} on W only. */
    public static MultiLayerNetwork softmaxRegression(int nIn, int nOut, double l2, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).l2(l2)
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(nIn).nOut(nOut).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** conv(3x3, 4) -> BN -> dense(6) -> BN -> softmax(3), inputs 1x6x6, BN statistics as variance. */
    public static MultiLayerNetwork convWithBatchNorm(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).l2(1e-3)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().useLogStd(false).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The same kind of model as a ComputationGraph: dense(5) -> BN -> softmax(3), 4 inputs. */
    public static ComputationGraph graphWithBatchNorm(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().nIn(5).nOut(5).build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(5).nOut(3).activation(Activation.SOFTMAX).build(), "bn")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** {@code n} examples with Gaussian features of the given shape and uniform random one-hot labels. */
    public static DataSet data(int n, long[] featureShape, int classes, long seed) {
        Random random = new Random(seed);
        long[] shape = new long[featureShape.length + 1];
        shape[0] = n;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        INDArray x = Nd4j.create(DataType.FLOAT, shape);
        long len = x.length();
        float[] values = new float[(int) len];
        for (int i = 0; i < len; i++) {
            values[i] = (float) random.nextGaussian();
        }
        x.assign(Nd4j.createFromArray(values).reshape(shape));
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, random.nextInt(classes), 1f);
        }
        return new DataSet(x, y);
    }

    public static DataSetIterator iterator(DataSet data, int batch) {
        List<DataSet> list = new ArrayList<>(data.asList());
        return new ListDataSetIterator<>(list, batch);
    }
}
