package org.swa4j.models.cnn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.graph.GraphAssembler;
import org.swa4j.models.layers.LayerFactory;

/**
 * The small CNN of the default CPU job: three stages of widths {@code w, 2w, 4w};
 * each stage is two 3 x 3 same-padded convolutions without bias, each followed by BatchNorm and
 * ReLU ({@link LayerFactory#convBnRelu}), then 2 x 2 max pooling; then global average pooling and
 * a dense softmax layer.
 */
public final class SmallCnn {

    private SmallCnn() {
    }

    /** The graph of {@code spec}. */
    public static ComputationGraphConfiguration config(SmallCnnSpec spec, BuildSettings settings) {
        GraphAssembler g = new GraphAssembler(settings, spec.input());
        LayerFactory f = g.layers();
        String x = GraphAssembler.INPUT;
        int in = spec.input().channels();
        for (int s = 0; s < SmallCnnSpec.STAGES; s++) {
            int out = spec.width() << s;
            String stage = "stage" + (s + 1);
            x = g.chain(stage + ".unit1", f.convBnRelu(in, out, 3, 1, 1), x);
            x = g.chain(stage + ".unit2", f.convBnRelu(out, out, 3, 1, 1), x);
            x = g.layer(stage + ".maxpool", f.maxPool(2, 2), x);
            in = out;
        }
        x = g.layer("gap", f.globalAvgPool(), x);
        return g.classifier(x, in, spec.numClasses());
    }
}
