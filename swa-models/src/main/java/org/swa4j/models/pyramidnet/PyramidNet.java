package org.swa4j.models.pyramidnet;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.graph.GraphAssembler;
import org.swa4j.models.layers.LayerFactory;

/**
 * Bottleneck PyramidNet for CIFAR (Han, Kim and Kim 2017, "Deep Pyramidal Residual Networks",
 * arXiv 1610.02915; reference code {@code jhkim89/PyramidNet} and its PyTorch port):
 *
 * <pre>
 * stem:   conv3x3(c -> 16) -> bn
 * blocks: 3n of them (n = (depth - 2) / 9), stages of n with strides 1, 2, 2.
 *         d_k = 16 + k * alpha / (3n) (accumulated in floating point), planes_k = round(d_k)
 *         (half to even, as Python's round), output channels 4 * planes_k
 *   block: r = bn(conv1x1(relu(bn(conv3x3_s(relu(bn(conv1x1(bn(x)))))))))
 *          out = r + zero-pad(shortcut), shortcut = x, or avgpool2x2(x) when strided
 * head:   relu(bn(.)) -> global average pool -> linear
 * </pre>
 * Convolutions are without bias. The shortcut's missing channels are zeros
 * ({@link ZeroPaddedAddVertex}), so the shortcut has no parameters.
 */
public final class PyramidNet {

    private static final int EXPANSION = 4;

    private PyramidNet() {
    }

    /** The graph of {@code spec}. */
    public static ComputationGraphConfiguration config(PyramidNetSpec spec, BuildSettings settings) {
        GraphAssembler g = new GraphAssembler(settings, spec.input());
        LayerFactory f = g.layers();
        int n = spec.blocksPerStage();
        double addRate = spec.alpha() / (3.0 * n);
        double featureDim = PyramidNetSpec.STEM_WIDTH;
        int in = PyramidNetSpec.STEM_WIDTH;
        String x = g.layer("stem.conv", f.conv(spec.input().channels(), in, 3, 1, 1, false), GraphAssembler.INPUT);
        x = g.layer("stem.bn", f.batchNorm(in), x);
        for (int s = 0; s < 3; s++) {
            for (int b = 0; b < n; b++) {
                featureDim += addRate;
                int planes = (int) Math.rint(featureDim);
                int stride = (s > 0 && b == 0) ? 2 : 1;
                x = block(g, "stage" + (s + 1) + ".block" + (b + 1), x, in, planes, stride);
                in = planes * EXPANSION;
            }
        }
        x = g.chain("head", f.bnRelu(in), x);
        x = g.layer("gap", f.globalAvgPool(), x);
        return g.classifier(x, in, spec.numClasses());
    }

    /** One pyramidal bottleneck block with {@code 4 planes} output channels; returns the sum vertex. */
    static String block(GraphAssembler g, String name, String x, int in, int planes, int stride) {
        LayerFactory f = g.layers();
        int out = planes * EXPANSION;
        if (in > out) {
            throw new IllegalArgumentException("pyramid block " + name + " narrows from " + in + " to " + out
                    + " channels; the zero-padded shortcut needs out >= in");
        }
        String r = g.layer(name + ".bn1", f.batchNorm(in), x);
        r = g.chain(name + ".unit1", f.convBnRelu(in, planes, 1, 1, 0), r);
        r = g.chain(name + ".unit2", f.convBnRelu(planes, planes, 3, stride, 1), r);
        r = g.layer(name + ".conv3", f.conv(planes, out, 1, 1, 0, false), r);
        r = g.layer(name + ".bn3", f.batchNorm(out), r);
        String shortcut = stride == 1 ? x : g.layer(name + ".shortcut.avgpool", f.avgPool(2, 2), x);
        return g.vertex(name + ".sum", new ZeroPaddedAddVertex(), r, shortcut);
    }
}
