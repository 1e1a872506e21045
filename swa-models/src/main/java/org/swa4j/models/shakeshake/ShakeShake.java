package org.swa4j.models.shakeshake;

import java.util.SplittableRandom;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.graph.GraphAssembler;
import org.swa4j.models.layers.LayerFactory;

/**
 * Shake-Shake ResNet for CIFAR (Gastaldi 2017, "Shake-Shake regularization", arXiv 1705.07485;
 * the author's Torch code {@code xgastaldi/shake-shake}):
 *
 * <pre>
 * stem:    conv3x3(c -> 16) -> bn
 * stages:  widths w, 2w, 4w with strides 1, 2, 2; n = (depth - 2) / 6 blocks each
 *   block: r = relu(x)
 *          branch_k = bn(conv3x3(relu(bn(conv3x3_s(r)))))              k = 1, 2
 *          out = ShakeShake(branch_1, branch_2) + shortcut
 *   shortcut: x when width and size are kept; otherwise
 *          bn(concat(conv1x1(avgpool1x1_s(r)), conv1x1(avgpool1x1_s(shift(r)))))
 *          each half with out/2 channels; shift(r) = r moved up-left by one pixel, zero-filled
 * head:    relu -> global average pool -> linear
 * </pre>
 * Convolutions are without bias. Every block's {@link ShakeShakeVertex} gets its own seed, drawn
 * from a generator seeded with the build seed.
 */
public final class ShakeShake {

    private ShakeShake() {
    }

    /** The graph of {@code spec}. */
    public static ComputationGraphConfiguration config(ShakeShakeSpec spec, BuildSettings settings) {
        GraphAssembler g = new GraphAssembler(settings, spec.input());
        LayerFactory f = g.layers();
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        int in = ShakeShakeSpec.STEM_WIDTH;
        String x = g.layer("stem.conv", f.conv(spec.input().channels(), in, 3, 1, 1, false), GraphAssembler.INPUT);
        x = g.layer("stem.bn", f.batchNorm(in), x);
        for (int s = 0; s < 3; s++) {
            int out = spec.width() << s;
            for (int b = 0; b < spec.blocksPerStage(); b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                x = block(g, "stage" + (s + 1) + ".block" + (b + 1), x, in, out, stride, seeds.nextLong());
                in = out;
            }
        }
        x = g.layer("head.relu", f.relu(), x);
        x = g.layer("gap", f.globalAvgPool(), x);
        return g.classifier(x, in, spec.numClasses());
    }

    /** One two-branch Shake-Shake block; returns the sum vertex. */
    static String block(GraphAssembler g, String name, String x, int in, int out, int stride, long seed) {
        LayerFactory f = g.layers();
        String r = g.layer(name + ".relu", f.relu(), x);
        String b1 = branch(g, name + ".branch1", r, in, out, stride);
        String b2 = branch(g, name + ".branch2", r, in, out, stride);
        String mixed = g.vertex(name + ".shake", new ShakeShakeVertex(seed), b1, b2);
        String shortcut = (stride == 1 && in == out) ? x : projection(g, name + ".shortcut", r, in, out, stride);
        return g.sum(name + ".sum", mixed, shortcut);
    }

    private static String branch(GraphAssembler g, String name, String r, int in, int out, int stride) {
        LayerFactory f = g.layers();
        String y = g.chain(name + ".unit1", f.convBnRelu(in, out, 3, stride, 1), r);
        y = g.layer(name + ".conv2", f.conv(out, out, 3, 1, 1, false), y);
        return g.layer(name + ".bn2", f.batchNorm(out), y);
    }

    private static String projection(GraphAssembler g, String name, String r, int in, int out, int stride) {
        LayerFactory f = g.layers();
        String p1 = r;
        String shifted = g.layer(name + ".crop", new Cropping2D(1, 0, 1, 0), r);
        String p2 = g.layer(name + ".pad", new ZeroPaddingLayer(0, 1, 0, 1), shifted);
        if (stride != 1) {
            p1 = g.layer(name + ".path1.avgpool", f.avgPool(1, stride), p1);
            p2 = g.layer(name + ".path2.avgpool", f.avgPool(1, stride), p2);
        }
        p1 = g.layer(name + ".path1.conv", f.conv(in, out / 2, 1, 1, 0, false), p1);
        p2 = g.layer(name + ".path2.conv", f.conv(in, out / 2, 1, 1, 0, false), p2);
        String joined = g.concat(name + ".concat", p1, p2);
        return g.layer(name + ".bn", f.batchNorm(out), joined);
    }
}
