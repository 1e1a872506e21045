package org.swa4j.models.shakeshake;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelSpec;

/**
 * {@code shakeshake<depth>_2x<width>d}: a Shake-Shake ResNet with two branches per block and
 * {@code width} channels in the first stage (see {@link ShakeShake}).
 *
 * <p>Rejects depths that are not {@code 6n + 2} ({@code n >= 1} blocks per stage, two 3x3
 * convolutions per branch), widths that are not even and positive (the projection shortcut splits
 * the width in two halves), and inputs below 4 x 4 (two stride-2 stages).
 */
public record ShakeShakeSpec(int depth, int width, int numClasses, InputShape input) implements ModelSpec {

    /** Channels of the stem convolution (Gastaldi's code). */
    public static final int STEM_WIDTH = 16;

    public ShakeShakeSpec {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("shakeshake depth " + depth + " must be 6n+2 with n >= 1");
        }
        if (width < 2 || width % 2 != 0) {
            throw new IllegalArgumentException("shakeshake width " + width
                    + " must be even and >= 2 (the projection shortcut has two halves)");
        }
        ModelSpec.requireClasses(numClasses);
        input.requireAtLeast(4, "two stride-2 stages");
    }

    /** Blocks per stage: {@code (depth - 2) / 6}. */
    public int blocksPerStage() {
        return (depth - 2) / 6;
    }

    @Override
    public String name() {
        return "shakeshake" + depth + "_2x" + width + "d";
    }

    @Override
    public ComputationGraphConfiguration config(BuildSettings settings) {
        return ShakeShake.config(this, settings);
    }
}
