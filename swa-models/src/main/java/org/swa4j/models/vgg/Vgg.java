package org.swa4j.models.vgg;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.graph.GraphAssembler;
import org.swa4j.models.layers.LayerFactory;

/**
 * VGG for CIFAR as in the SWA reference code ({@code timgaripov/swa models/vgg.py}):
 *
 * <pre>
 * features:   per stage, per width w: conv3x3(w, bias) -> relu        (vgg16)
 *                                     conv3x3(w) -> bn -> relu         (vgg16bn)
 *             then maxpool 2x2
 * classifier: dropout -> linear(h) -> relu -> dropout -> linear(h) -> relu -> linear(classes)
 * </pre>
 * {@code vgg16bn} uses {@link LayerFactory#convBnRelu} (convolution without bias: the reference's
 * bias before BatchNorm is redundant, so vgg16bn has 4,224 fewer parameters than the reference).
 * On 32 x 32 inputs the features end at 1 x 1 x 512; larger inputs flatten to more features.
 */
public final class Vgg {

    private Vgg() {
    }

    /** The graph of {@code spec}. */
    public static ComputationGraphConfiguration config(VggSpec spec, BuildSettings settings) {
        GraphAssembler g = new GraphAssembler(settings, spec.input());
        LayerFactory f = g.layers();
        String x = GraphAssembler.INPUT;
        int in = spec.input().channels();
        int h = spec.input().height();
        int w = spec.input().width();
        for (int s = 0; s < spec.stages().size(); s++) {
            List<Integer> widths = spec.stages().get(s);
            for (int c = 0; c < widths.size(); c++) {
                int out = widths.get(c);
                String unit = "stage" + (s + 1) + ".unit" + (c + 1);
                x = spec.batchNorm()
                        ? g.chain(unit, f.convBnRelu(in, out, 3, 1, 1), x)
                        : g.chain(unit, List.of(f.conv(in, out, 3, 1, 1, true), f.relu()), x);
                in = out;
            }
            x = g.layer("stage" + (s + 1) + ".maxpool", f.maxPool(2, 2), x);
            h /= 2;
            w /= 2;
        }
        int features = in * h * w;
        int hidden = spec.hiddenWidth();
        if (spec.dropout() > 0) {
            x = g.dropout("classifier.dropout1", spec.dropout(), x);
        }
        x = g.denseRelu("classifier.fc1", features, hidden, x);
        if (spec.dropout() > 0) {
            x = g.dropout("classifier.dropout2", spec.dropout(), x);
        }
        x = g.denseRelu("classifier.fc2", hidden, hidden, x);
        return g.classifier(x, hidden, spec.numClasses());
    }
}
