package org.swa4j.core;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A test layer implementing {@link FusedBatchNorm}: a BatchNormalization whose reported moments are
 * those of twice the input of its last training-mode forward pass, so a test can tell that
 * BatchNormUpdate asked the layer, after running it.
 */
final class FusedProbe {
    static final int INDEX = 1;

    private FusedProbe() {
    }

    /** Configuration that instantiates {@link Runtime}. */
    static final class Conf extends BatchNormalization {
        Conf() {
            setUseLogStd(false);
            setDecay(0.9);
            setEps(1e-5);
            setMinibatch(true);
            setGamma(1.0);
            setBeta(0.0);
            setCnn2DFormat(org.deeplearning4j.nn.conf.CNN2DFormat.NCHW);
        }

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                Collection<TrainingListener> listeners, int layerIndex, INDArray params,
                boolean initializeParams, DataType dataType) {
            Runtime layer = new Runtime(conf, dataType);
            layer.setListeners(listeners);
            layer.setIndex(layerIndex);
            layer.setParamsViewArray(params);
            ParamInitializer init = initializer();
            Map<String, INDArray> table = init.init(conf, params, initializeParams);
            layer.setParamTable(table);
            layer.setConf(conf);
            return layer;
        }
    }

    static final class Runtime extends org.deeplearning4j.nn.layers.normalization.BatchNormalization
            implements FusedBatchNorm {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private INDArray[] last;

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (training) {
                try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    INDArray doubled = input().dup().muli(2);
                    last = new INDArray[] {doubled.mean(0, 2, 3), doubled.var(false, 0, 2, 3)};
                }
            }
            return super.activate(training, workspaceMgr);
        }

        @Override
        public INDArray[] lastBatchMoments() {
            if (last == null) {
                throw new IllegalStateException("probe has not run a training forward pass");
            }
            return last;
        }
    }

    static MultiLayerNetwork network(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new Conf())
                .layer(new GlobalPoolingLayer.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(TestNets.CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(TestNets.SIZE, TestNets.SIZE, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
