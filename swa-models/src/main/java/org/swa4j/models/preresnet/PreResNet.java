package org.swa4j.models.preresnet;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.graph.GraphAssembler;
import org.swa4j.models.layers.LayerFactory;

/**
 * Pre-activation ResNet for CIFAR (He et al. 2016, "Identity Mappings in Deep Residual Networks"),
 * as defined in the SWA reference code ({@code timgaripov/swa models/preresnet.py}):
 *
 * <pre>
 * stem:   conv3x3(c -> 16)
 * stages: planes 16, 32, 64 with strides 1, 2, 2; n blocks each
 *   basic:      out = conv3x3(relu(bn(conv3x3_s(relu(bn(x)))))) + shortcut(x)
 *   bottleneck: out = conv1x1(relu(bn(conv3x3_s(relu(bn(conv1x1(relu(bn(x))))))))) + shortcut(x)
 *               (output channels = 4 x planes)
 *   shortcut:   x, or conv1x1_s(x) without BatchNorm when the stride or the width changes
 * head:   relu(bn(.)) -> global average pool (= AvgPool(8) on 32x32) -> linear
 * </pre>
 * All convolutions are without bias.
 */
public final class PreResNet {

    private static final int EXPANSION = 4;

    private PreResNet() {
    }

    /** The graph of {@code spec}. */
    public static ComputationGraphConfiguration config(PreResNetSpec spec, BuildSettings settings) {
        GraphAssembler g = new GraphAssembler(settings, spec.input());
        LayerFactory f = g.layers();
        int in = PreResNetSpec.BASE_WIDTH;
        String x = g.layer("stem.conv", f.conv(spec.input().channels(), in, 3, 1, 1, false), GraphAssembler.INPUT);
        for (int s = 0; s < 3; s++) {
            int planes = PreResNetSpec.BASE_WIDTH << s;
            for (int b = 0; b < spec.blocksPerStage(); b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                String name = "stage" + (s + 1) + ".block" + (b + 1);
                if (spec.bottleneck()) {
                    x = bottleneckBlock(g, name, x, in, planes, stride);
                    in = planes * EXPANSION;
                } else {
                    x = basicBlock(g, name, x, in, planes, stride);
                    in = planes;
                }
            }
        }
        x = g.chain("head", f.bnRelu(in), x);
        x = g.layer("gap", f.globalAvgPool(), x);
        return g.classifier(x, in, spec.numClasses());
    }

    /** Two pre-activated 3x3 convolutions, the first with {@code stride}; returns the sum vertex. */
    static String basicBlock(GraphAssembler g, String name, String x, int in, int planes, int stride) {
        LayerFactory f = g.layers();
        String r = g.chain(name + ".pre1", f.bnRelu(in), x);
        r = g.layer(name + ".conv1", f.conv(in, planes, 3, stride, 1, false), r);
        r = g.chain(name + ".pre2", f.bnRelu(planes), r);
        r = g.layer(name + ".conv2", f.conv(planes, planes, 3, 1, 1, false), r);
        return g.sum(name + ".sum", r, shortcut(g, name, x, in, planes, stride));
    }

    /** Pre-activated 1x1, 3x3 (with {@code stride}), 1x1 to {@code 4 planes}; returns the sum vertex. */
    static String bottleneckBlock(GraphAssembler g, String name, String x, int in, int planes, int stride) {
        LayerFactory f = g.layers();
        int out = planes * EXPANSION;
        String r = g.chain(name + ".pre1", f.bnRelu(in), x);
        r = g.layer(name + ".conv1", f.conv(in, planes, 1, 1, 0, false), r);
        r = g.chain(name + ".pre2", f.bnRelu(planes), r);
        r = g.layer(name + ".conv2", f.conv(planes, planes, 3, stride, 1, false), r);
        r = g.chain(name + ".pre3", f.bnRelu(planes), r);
        r = g.layer(name + ".conv3", f.conv(planes, out, 1, 1, 0, false), r);
        return g.sum(name + ".sum", r, shortcut(g, name, x, in, out, stride));
    }

    private static String shortcut(GraphAssembler g, String name, String x, int in, int out, int stride) {
        if (stride == 1 && in == out) {
            return x;
        }
        return g.layer(name + ".shortcut", g.layers().conv(in, out, 1, stride, 0, false), x);
    }
}
