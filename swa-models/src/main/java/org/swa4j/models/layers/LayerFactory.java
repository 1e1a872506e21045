package org.swa4j.models.layers;

import java.util.List;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;

/**
 * The one place where the models meet the implementation of their compute-heavy layers.
 *
 * <p>Every model in {@code org.swa4j.models} creates its convolutions, BatchNorms, activations and
 * pooling layers through a {@code LayerFactory}, never directly, so that the stock DL4J layers can
 * be swapped for layers on ND4J's native (OneDNN) ops without touching any model definition.
 * Dense, dropout and output layers are not performance-critical and are built by the models
 * directly.
 *
 * <p>Contract shared by every implementation (tests check it against the stock one):
 * <ul>
 *   <li>Models take NCHW input. Between layers the data are NCHW, or NHWC (channels last) in graphs
 *       built for a factory whose {@link #channelsLast()} is true (see {@code GraphAssembler}); DL4J
 *       gives each layer its data format from its input type. Padding is explicit and symmetric, as in PyTorch's {@code padding=p}
 *       (DL4J {@code ConvolutionMode.Truncate} with {@code padding(p, p)}).</li>
 *   <li>Convolutions are He-normal with fan-out ({@link HeNormalFanOut}, the reference code's rule)
 *       unless a model passes another initialiser, identity activation, bias (where asked) 0.</li>
 *   <li>BatchNorm: eps 1e-5, DL4J decay 0.9 (PyTorch momentum 0.1) unless a model passes another,
 *       gamma 1 and beta 0 initially, and it stores the running <em>variance</em>
 *       ({@code useLogStd(false)}), never log10 std, under the parameter keys {@code gamma},
 *       {@code beta}, {@code mean}, {@code var}.</li>
 *   <li>Weight decay: a layer's L2 regularisation (set by the training code) applies to every
 *       trainable parameter, BatchNorm's {@code gamma} and {@code beta} included, as torch's
 *       {@code SGD(weight_decay=wd)} ({@link RegularisedBatchNormalization}); never to the running
 *       statistics.</li>
 *   <li>A block method ({@link #convBnRelu}, {@link #bnRelu}) returns the layers to chain in order;
 *       an implementation may return one fused layer where fusing measures faster.</li>
 * </ul>
 */
public interface LayerFactory {

    /** Short name of the implementation, recorded with every result ("stock", "native", ...). */
    String name();

    /**
     * Whether graphs built with these layers should run channels last (NHWC) between layers, where
     * every vertex of the graph supports it. False unless an implementation measures it faster.
     */
    default boolean channelsLast() {
        return false;
    }

    /** DL4J decay of the BatchNorm running statistics (PyTorch momentum 0.1 = 1 - decay). */
    double BATCH_NORM_DECAY = 0.9;

    /** {@code kernel x kernel} convolution, {@code stride}, zero padding {@code padding} per side, {@link HeNormalFanOut}. */
    default Layer conv(int nIn, int nOut, int kernel, int stride, int padding, boolean bias) {
        return conv(nIn, nOut, kernel, stride, padding, bias, new HeNormalFanOut());
    }

    /** {@link #conv(int, int, int, int, int, boolean)} with the weights initialised by {@code init}. */
    Layer conv(int nIn, int nOut, int kernel, int stride, int padding, boolean bias, IWeightInit init);

    /** Spatial BatchNorm over {@code channels} channels (see the class contract). */
    Layer batchNorm(int channels);

    /** Element-wise ReLU. */
    Layer relu();

    /** Max pooling, no padding. */
    Layer maxPool(int kernel, int stride);

    /** Average pooling, no padding. */
    Layer avgPool(int kernel, int stride);

    /** Global average pooling from [N, C, H, W] to [N, C]. */
    Layer globalAvgPool();

    /** Convolution without bias, then BatchNorm, then ReLU. */
    List<Layer> convBnRelu(int nIn, int nOut, int kernel, int stride, int padding);

    /** BatchNorm then ReLU: the pre-activation of PreResNet, WideResNet and PyramidNet blocks. */
    default List<Layer> bnRelu(int channels) {
        return bnRelu(channels, BATCH_NORM_DECAY);
    }

    /** {@link #bnRelu(int)} with DL4J decay {@code decay} in [0, 1) (PyTorch momentum {@code 1 - decay}). */
    List<Layer> bnRelu(int channels, double decay);
}
