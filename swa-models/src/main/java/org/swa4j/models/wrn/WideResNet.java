package org.swa4j.models.wrn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitUniform;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.graph.GraphAssembler;
import org.swa4j.models.layers.LayerFactory;

/**
 * Wide ResNet (Zagoruyko and Komodakis 2016) as in the SWA reference code
 * ({@code timgaripov/swa models/wide_resnet.py}):
 *
 * <pre>
 * stem:   conv3x3(c -> 16, bias)
 * stages: widths 16k, 32k, 64k with strides 1, 2, 2; n = (depth - 4) / 6 blocks each
 *   block: out = conv3x3_s(relu(bn(dropout(conv3x3(relu(bn(x))))))) + shortcut(x)
 *          (convolutions with bias; the stride sits on the second convolution, as in the reference)
 *   shortcut: x, or conv1x1_s(x) with bias when the stride or the width changes
 * head:   relu(bn(.)) -> global average pool (= avg_pool2d(8) on 32x32) -> linear
 *         (the head's BatchNorm has torch momentum 0.9, DL4J decay 0.1, as the reference's
 *         {@code nn.BatchNorm2d(nstages[3], momentum=0.9)}; every other BatchNorm the default 0.1)
 * </pre>
 * Dropout (rate {@code p}, inverted scaling) only when the spec asks for it.
 *
 * <p>Initialisation: the reference defines {@code conv_init} (Xavier-uniform, gain sqrt 2) but never
 * applies it, so its WideResNet runs with torch's defaults, and so does this one: convolution
 * weights {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}, {@code fanIn = in * k * k} (torch's
 * {@code kaiming_uniform_(a=sqrt(5))}, DL4J's {@code WeightInitUniform}), BatchNorm gamma 1 and beta 0.
 * Convolution biases start at 0 where torch draws them from the same uniform: every convolution's
 * output reaches the loss only through a BatchNorm (residual sums and 1x1 shortcuts are linear), which
 * removes a per-channel constant, so their starting value does not change what the network computes.
 */
public final class WideResNet {

    /** torch's default {@code Conv2d} weight initialisation, {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}. */
    static final IWeightInit TORCH_CONV_INIT = new WeightInitUniform();
    /** DL4J decay of the head's BatchNorm: 1 - the reference's torch momentum 0.9. */
    static final double HEAD_BATCH_NORM_DECAY = 0.1;

    private WideResNet() {
    }

    /** The graph of {@code spec}. */
    public static ComputationGraphConfiguration config(WideResNetSpec spec, BuildSettings settings) {
        GraphAssembler g = new GraphAssembler(settings, spec.input());
        LayerFactory f = g.layers();
        int in = 16;
        String x = g.layer("stem.conv", f.conv(spec.input().channels(), in, 3, 1, 1, true, TORCH_CONV_INIT), GraphAssembler.INPUT);
        for (int s = 0; s < 3; s++) {
            int width = (16 << s) * spec.widen();
            for (int b = 0; b < spec.blocksPerStage(); b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                x = block(g, "stage" + (s + 1) + ".block" + (b + 1), x, in, width, stride, spec.dropout());
                in = width;
            }
        }
        x = g.chain("head", f.bnRelu(in, HEAD_BATCH_NORM_DECAY), x);
        x = g.layer("gap", f.globalAvgPool(), x);
        return g.classifier(x, in, spec.numClasses());
    }

    /** One wide basic block; returns the sum vertex. */
    static String block(GraphAssembler g, String name, String x, int in, int out, int stride, double dropout) {
        LayerFactory f = g.layers();
        String r = g.chain(name + ".pre1", f.bnRelu(in), x);
        r = g.layer(name + ".conv1", f.conv(in, out, 3, 1, 1, true, TORCH_CONV_INIT), r);
        if (dropout > 0) {
            r = g.dropout(name + ".dropout", dropout, r);
        }
        r = g.chain(name + ".pre2", f.bnRelu(out), r);
        r = g.layer(name + ".conv2", f.conv(out, out, 3, stride, 1, true, TORCH_CONV_INIT), r);
        String shortcut = (stride == 1 && in == out) ? x
                : g.layer(name + ".shortcut", f.conv(in, out, 1, stride, 0, true, TORCH_CONV_INIT), x);
        return g.sum(name + ".sum", r, shortcut);
    }
}
