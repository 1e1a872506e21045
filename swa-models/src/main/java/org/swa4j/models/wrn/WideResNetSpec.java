package org.swa4j.models.wrn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelSpec;

/**
 * {@code wrn<depth>x<width>}: Wide ResNet (see {@link WideResNet}).
 *
 * <p>Rejects depths that are not {@code 6n + 4} ({@code n >= 1} blocks per stage), a widening
 * factor below 1, a dropout rate outside {@code [0, 1)} and inputs below 4 x 4 (two stride-2
 * stages).
 */
public record WideResNetSpec(int depth, int widen, double dropout, int numClasses, InputShape input)
        implements ModelSpec {

    public WideResNetSpec {
        if (depth < 10 || (depth - 4) % 6 != 0) {
            throw new IllegalArgumentException("wrn depth " + depth + " must be 6n+4 with n >= 1");
        }
        if (widen < 1) {
            throw new IllegalArgumentException("wrn widening factor " + widen + " must be >= 1");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("wrn dropout rate " + dropout + " must be in [0, 1)");
        }
        ModelSpec.requireClasses(numClasses);
        input.requireAtLeast(4, "two stride-2 stages");
    }

    /** Without dropout, as the SWA reference runs it. */
    public WideResNetSpec(int depth, int widen, int numClasses, InputShape input) {
        this(depth, widen, 0.0, numClasses, input);
    }

    /** Blocks per stage: {@code (depth - 4) / 6}. */
    public int blocksPerStage() {
        return (depth - 4) / 6;
    }

    @Override
    public String name() {
        return "wrn" + depth + "x" + widen;
    }

    @Override
    public ComputationGraphConfiguration config(BuildSettings settings) {
        return WideResNet.config(this, settings);
    }
}
