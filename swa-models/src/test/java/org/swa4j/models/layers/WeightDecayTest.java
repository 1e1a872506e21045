package org.swa4j.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.models.layers.fast.FusedLayerFactory;
import org.swa4j.models.layers.fast.NativeLayerFactory;

/**
 * Weight decay reaches every trainable parameter, BatchNorm's gamma and beta included (torch's
 * {@code SGD(weight_decay=wd)}), and never the running statistics, in every factory's layers: the
 * separate, native and fused BatchNorms and the fused conv-BN-ReLU layer.
 *
 * <p>Checked against the formulas, with L2 {@code wd} set on every layer as the training code sets it:
 * the regularisation score is {@code 0.5 wd sum(theta^2)} over the trainable parameters, summed here
 * from the parameter table; and one plain SGD step (learning rate {@code lr}) moves every trainable
 * parameter by {@code -lr (g + wd theta)}, with {@code g} the loss gradient computed before the step
 * (DL4J's gradient is the sum over the batch; the updater divides it by the batch size first).
 */
class WeightDecayTest {

    private static final double WD = 0.05;
    private static final double LR = 0.1;
    private static final int BATCH = 4;
    private static final List<LayerFactory> FACTORIES = List.of(new StockLayerFactory(), new NativeLayerFactory(),
            new FusedLayerFactory());

    @Test
    void regularisationScoreCoversGammaAndBeta() {
        for (LayerFactory f : FACTORIES) {
            ComputationGraph net = net(f);
            double sum = 0;
            int gammas = 0;
            for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
                if (trainable(e.getKey())) {
                    sum += e.getValue().norm2Number().doubleValue() * e.getValue().norm2Number().doubleValue();
                    gammas += e.getKey().endsWith("_gamma") ? 1 : 0;
                }
            }
            assertEquals(3, gammas, f.name() + ": the net has three BatchNorms");
            assertEquals(0.5 * WD * sum, net.calcRegularizationScore(true), 1e-12 * sum, f.name());
        }
    }

    @Test
    void oneStepDecaysEveryTrainableParameter() {
        for (LayerFactory f : FACTORIES) {
            ComputationGraph net = net(f);
            INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, 2, 8, 8).subi(0.5);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, BATCH, 3);
            for (int i = 0; i < BATCH; i++) {
                y.putScalar(i, i % 3, 1.0);
            }
            net.setInputs(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            Map<String, INDArray> gradient = new java.util.HashMap<>();
            net.gradient().gradientForVariable().forEach((k, v) -> gradient.put(k, v.dup()));
            Map<String, INDArray> before = new java.util.HashMap<>();
            net.paramTable().forEach((k, v) -> before.put(k, v.dup()));
            net.fit(new DataSet(x, y));
            int checked = 0;
            for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
                if (!trainable(e.getKey())) {
                    continue;
                }
                INDArray theta = before.get(e.getKey());
                INDArray g = gradient.get(e.getKey()).div(BATCH);
                INDArray expected = theta.sub(g.add(theta.mul(WD)).mul(LR));
                double err = expected.sub(e.getValue()).amaxNumber().doubleValue();
                assertTrue(err < 1e-12, f.name() + " " + e.getKey() + ": step differs from -lr (g + wd theta) by " + err);
                checked++;
            }
            assertTrue(checked >= 10, f.name() + ": only " + checked + " parameters checked");
        }
    }

    @Test
    void runningStatisticsTakeNoDecay() {
        RegularisedBatchNormalization bn = (RegularisedBatchNormalization) new StockLayerFactory().batchNorm(4);
        bn.setRegularization(List.of(new L2Regularization(WD)));
        bn.setRegularizationBias(List.of(new L2Regularization(2 * WD)));
        assertEquals(bn.getRegularization(), bn.getRegularizationByParam("gamma"));
        assertEquals(bn.getRegularizationBias(), bn.getRegularizationByParam("beta"));
        assertNull(bn.getRegularizationByParam("mean"));
        assertNull(bn.getRegularizationByParam("var"));
    }

    private static boolean trainable(String param) {
        return !(param.endsWith("_mean") || param.endsWith("_var") || param.endsWith("_log10stdev"));
    }

    /** conv-BN-ReLU, conv with bias, BN-ReLU, BatchNorm, output; double precision, L2 WD on every layer, SGD LR. */
    private static ComputationGraph net(LayerFactory f) {
        List<Layer> layers = new ArrayList<>(f.convBnRelu(2, 3, 3, 1, 1));
        layers.add(f.conv(3, 4, 3, 2, 1, true));
        layers.addAll(f.bnRelu(4));
        layers.add(f.batchNorm(4));
        layers.add(f.globalAvgPool());
        layers.add(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build());
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(8, 8, 2));
        String prev = "in";
        for (int i = 0; i < layers.size(); i++) {
            b.addLayer("l" + i, layers.get(i), prev);
            prev = "l" + i;
        }
        ComputationGraphConfiguration conf = b.setOutputs(prev).build();
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer layer) {
                layer.setIUpdater(new Sgd(LR));
                layer.setRegularization(new ArrayList<>(List.of(new L2Regularization(WD))));
                layer.setRegularizationBias(new ArrayList<>(List.of(new L2Regularization(WD))));
            }
        }
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        SplittableRandom r = new SplittableRandom(3);
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            if (e.getKey().endsWith("_gamma") || e.getKey().endsWith("_beta") || e.getKey().endsWith("_b")) {
                // gamma 1 and beta 0 at init would hide a missing term for beta; make every value distinct
                for (long i = 0; i < e.getValue().length(); i++) {
                    e.getValue().putScalar(i, r.nextDouble(0.5, 1.5));
                }
            }
        }
        return net;
    }
}
