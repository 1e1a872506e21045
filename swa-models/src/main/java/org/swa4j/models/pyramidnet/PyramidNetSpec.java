package org.swa4j.models.pyramidnet;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelSpec;

/**
 * {@code pyramidnet<depth>_a<alpha>}: bottleneck PyramidNet with additive widening by
 * {@code alpha} channels over the whole network (see {@link PyramidNet}).
 *
 * <p>Rejects depths that are not {@code 9n + 2} ({@code n >= 1} bottleneck blocks per stage), a
 * negative alpha, and inputs whose height or width is not a positive multiple of 4 (the 2 x 2
 * average-pooled shortcuts of the two stride-2 stages must match the strided convolutions).
 */
public record PyramidNetSpec(int depth, int alpha, int numClasses, InputShape input) implements ModelSpec {

    /** Channels of the stem convolution and starting width of the pyramid. */
    public static final int STEM_WIDTH = 16;

    public PyramidNetSpec {
        if (depth < 11 || (depth - 2) % 9 != 0) {
            throw new IllegalArgumentException("pyramidnet depth " + depth + " must be 9n+2 with n >= 1");
        }
        if (alpha < 0) {
            throw new IllegalArgumentException("pyramidnet alpha " + alpha + " must be >= 0");
        }
        ModelSpec.requireClasses(numClasses);
        if (input.height() % 4 != 0 || input.width() % 4 != 0) {
            throw new IllegalArgumentException("pyramidnet input " + input
                    + ": height and width must be multiples of 4 (two stride-2 stages with 2x2 average-pooled shortcuts)");
        }
    }

    /** Bottleneck blocks per stage: {@code (depth - 2) / 9}. */
    public int blocksPerStage() {
        return (depth - 2) / 9;
    }

    @Override
    public String name() {
        return "pyramidnet" + depth + "_a" + alpha;
    }

    @Override
    public ComputationGraphConfiguration config(BuildSettings settings) {
        return PyramidNet.config(this, settings);
    }
}
