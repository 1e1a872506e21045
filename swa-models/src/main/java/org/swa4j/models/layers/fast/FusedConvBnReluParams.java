package org.swa4j.models.layers.fast;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link FusedConvBnReluLayer}, laid out exactly as a bias-free stock convolution
 * followed by a stock BatchNorm: {@code W [out, in, k, k]}, then {@code gamma, beta, mean, var}
 * (each {@code [1, out]}). W is initialised by the layer's weight init (He-normal with fan-out from
 * the factory), gamma 1, beta 0, mean 0, var 1, as the stock layers.
 */
public final class FusedConvBnReluParams implements ParamInitializer {

    public static final String WEIGHT = "W";
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";
    public static final String MEAN = "mean";
    public static final String VAR = "var";
    private static final List<String> KEYS = List.of(WEIGHT, GAMMA, BETA, MEAN, VAR);

    static final FusedConvBnReluParams INSTANCE = new FusedConvBnReluParams();

    private static long weights(FusedConvBnReluLayer l) {
        return l.getNIn() * l.getNOut() * l.getKernel() * l.getKernel();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        FusedConvBnReluLayer l = (FusedConvBnReluLayer) layer;
        return weights(l) + 4 * l.getNOut();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(WEIGHT);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    private static Map<String, INDArray> views(FusedConvBnReluLayer l, INDArray flat) {
        long w = weights(l);
        long n = l.getNOut();
        INDArray row = flat.reshape(flat.length());
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(WEIGHT, row.get(NDArrayIndex.interval(0, w)).reshape('c', n, l.getNIn(), l.getKernel(), l.getKernel()));
        for (int i = 0; i < 4; i++) {
            m.put(KEYS.get(i + 1), row.get(NDArrayIndex.interval(w + i * n, w + (i + 1) * n)).reshape(1, n));
        }
        return m;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        FusedConvBnReluLayer l = (FusedConvBnReluLayer) conf.getLayer();
        Map<String, INDArray> m = views(l, paramsView);
        if (initializeParams) {
            long fanIn = l.getNIn() * l.getKernel() * l.getKernel();
            long fanOut = l.getNOut() * l.getKernel() * l.getKernel() / ((long) l.getStride() * l.getStride());
            INDArray w = m.get(WEIGHT);
            l.getWeightInitFn().init(fanIn, fanOut, w.shape(), 'c', w);
            m.get(GAMMA).assign(1);
            m.get(BETA).assign(0);
            m.get(MEAN).assign(0);
            m.get(VAR).assign(1);
        }
        conf.addVariable(WEIGHT);
        conf.addVariable(GAMMA);
        conf.addVariable(BETA);
        conf.addVariable(MEAN);
        conf.addVariable(VAR);
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((FusedConvBnReluLayer) conf.getLayer(), gradientView);
    }
}
