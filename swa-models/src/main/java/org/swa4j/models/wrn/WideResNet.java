package org.swa4j.models.wrn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
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
 * </pre>
 * Dropout (rate {@code p}, inverted scaling) only when the spec asks for it.
 */
public final class WideResNet {

    private WideResNet() {
    }

    /** The graph of {@code spec}. */
    public static ComputationGraphConfiguration config(WideResNetSpec spec, BuildSettings settings) {
        GraphAssembler g = new GraphAssembler(settings, spec.input());
        LayerFactory f = g.layers();
        int in = 16;
        String x = g.layer("stem.conv", f.conv(spec.input().channels(), in, 3, 1, 1, true), GraphAssembler.INPUT);
        for (int s = 0; s < 3; s++) {
            int width = (16 << s) * spec.widen();
            for (int b = 0; b < spec.blocksPerStage(); b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                x = block(g, "stage" + (s + 1) + ".block" + (b + 1), x, in, width, stride, spec.dropout());
                in = width;
            }
        }
        x = g.chain("head", f.bnRelu(in), x);
        x = g.layer("gap", f.globalAvgPool(), x);
        return g.classifier(x, in, spec.numClasses());
    }

    /** One wide basic block; returns the sum vertex. */
    static String block(GraphAssembler g, String name, String x, int in, int out, int stride, double dropout) {
        LayerFactory f = g.layers();
        String r = g.chain(name + ".pre1", f.bnRelu(in), x);
        r = g.layer(name + ".conv1", f.conv(in, out, 3, 1, 1, true), r);
        if (dropout > 0) {
            r = g.dropout(name + ".dropout", dropout, r);
        }
        r = g.chain(name + ".pre2", f.bnRelu(out), r);
        r = g.layer(name + ".conv2", f.conv(out, out, 3, stride, 1, true), r);
        String shortcut = (stride == 1 && in == out) ? x
                : g.layer(name + ".shortcut", f.conv(in, out, 1, stride, 0, true), x);
        return g.sum(name + ".sum", r, shortcut);
    }
}
