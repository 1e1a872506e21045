package org.swa4j.models.cnn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelSpec;

/**
 * {@code cnn<width>}: a small VGG-style CNN sized for CPU training (see {@link SmallCnn}).
 *
 * <p>Rejects a width below 1 and inputs smaller than 8 x 8 (three 2 x 2 max pools).
 */
public record SmallCnnSpec(int width, int numClasses, InputShape input) implements ModelSpec {

    /** Number of stages; each halves the feature map with a 2 x 2 max pool. */
    public static final int STAGES = 3;

    public SmallCnnSpec {
        if (width < 1) {
            throw new IllegalArgumentException("cnn width " + width + " must be >= 1");
        }
        ModelSpec.requireClasses(numClasses);
        input.requireAtLeast(1 << STAGES, STAGES + " stages each end in a 2x2 max pool");
    }

    @Override
    public String name() {
        return "cnn" + width;
    }

    @Override
    public ComputationGraphConfiguration config(BuildSettings settings) {
        return SmallCnn.config(this, settings);
    }
}
