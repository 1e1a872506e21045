package org.swa4j.models.preresnet;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelSpec;

/**
 * {@code preresnet<depth>}: pre-activation ResNet for CIFAR (see {@link PreResNet}).
 *
 * <p>As in the reference code ({@code timgaripov/swa models/preresnet.py}): depth {@code >= 44}
 * uses bottleneck blocks and must be {@code 9n + 2}; below 44 basic blocks and {@code 6n + 2}
 * ({@code n >= 1} blocks per stage). Rejects other depths and inputs below 4 x 4 (two stride-2
 * stages).
 */
public record PreResNetSpec(int depth, int numClasses, InputShape input) implements ModelSpec {

    /** Smallest depth that uses bottleneck blocks. */
    public static final int BOTTLENECK_FROM_DEPTH = 44;
    /** Width of the stem and of the first stage's blocks ({@code planes}). */
    public static final int BASE_WIDTH = 16;

    public PreResNetSpec {
        if (depth >= BOTTLENECK_FROM_DEPTH ? (depth - 2) % 9 != 0 : depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("preresnet depth " + depth + " must be 6n+2 (basic blocks, 8 <= depth < "
                    + BOTTLENECK_FROM_DEPTH + ") or 9n+2 (bottleneck blocks, depth >= " + BOTTLENECK_FROM_DEPTH + ")");
        }
        ModelSpec.requireClasses(numClasses);
        input.requireAtLeast(4, "two stride-2 stages");
    }

    /** Whether the blocks are bottlenecks (1x1, 3x3, 1x1 with expansion 4) rather than two 3x3. */
    public boolean bottleneck() {
        return depth >= BOTTLENECK_FROM_DEPTH;
    }

    /** Blocks per stage: {@code (depth - 2) / 9} for bottlenecks, {@code (depth - 2) / 6} otherwise. */
    public int blocksPerStage() {
        return (depth - 2) / (bottleneck() ? 9 : 6);
    }

    @Override
    public String name() {
        return "preresnet" + depth;
    }

    @Override
    public ComputationGraphConfiguration config(BuildSettings settings) {
        return PreResNet.config(this, settings);
    }
}
