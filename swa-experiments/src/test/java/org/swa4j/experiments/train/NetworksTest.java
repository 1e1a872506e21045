package org.swa4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.Json;
import org.swa4j.models.layers.RegularisedBatchNormalization;

/**
 * The networks the runner trains decay every trainable parameter as torch's
 * {@code SGD(weight_decay=wd)}: the L2 term of the training loss is {@code 0.5 wd sum(theta^2)} over
 * all of them (summed here from the parameter table, BN running statistics left out), for a model
 * of the zoo and for a pretrained network built with DL4J's own BatchNorm.
 */
class NetworksTest {

    private static final ImageDataset DATA = Datasets.open("fashion-mnist-embedded", DataOptions.defaults());

    @Test
    void regularisationTermCoversEveryTrainableParameter() {
        Preset quick = Presets.load("quick");
        ComputationGraph net = Networks.create(quick, DATA, 1);
        assertEquals(0.5 * quick.weightDecay() * trainableSquares(net), net.calcRegularizationScore(true),
                1e-9 * trainableSquares(net));
    }

    @Test
    void pretrainedStockBatchNormIsDecayedToo(@TempDir Path dir) throws IOException {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().useLogStd(false).build(), "conv")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph saved = new ComputationGraph(conf);
        saved.init();
        Path file = dir.resolve("pretrained.zip");
        ModelSerializer.writeModel(saved, file.toFile(), false);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = Json.mapper().convertValue(Presets.load("quick"), Map.class);
        json.put("pretrained", file.toString());
        json.put("model", "pretrained");
        Preset p = Json.mapper().convertValue(json, Preset.class);

        ComputationGraph net = Networks.create(p, DATA, 1);
        var bn = ((LayerVertex) net.getConfiguration().getVertices().get("bn")).getLayerConf().getLayer();
        assertSame(RegularisedBatchNormalization.class, bn.getClass());
        assertEquals(saved.params(), net.params());
        assertEquals(0.5 * p.weightDecay() * trainableSquares(net), net.calcRegularizationScore(true),
                1e-9 * trainableSquares(net));
    }

    /** Sum of squares of every parameter but BatchNorm's running mean and variance. */
    private static double trainableSquares(ComputationGraph net) {
        double sum = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            if (!e.getKey().endsWith("_mean") && !e.getKey().endsWith("_var") && !e.getKey().endsWith("_log10stdev")) {
                double n = e.getValue().norm2Number().doubleValue();
                sum += n * n;
            }
        }
        return sum;
    }
}
