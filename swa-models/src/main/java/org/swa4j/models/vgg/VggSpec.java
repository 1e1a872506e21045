package org.swa4j.models.vgg;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelSpec;

/**
 * {@code vgg16} / {@code vgg16bn}: VGG for CIFAR (see {@link Vgg}). {@code stages} lists the
 * convolution widths of each stage; every stage ends in a 2 x 2 max pool.
 *
 * <p>Rejects an empty or non-positive stage list, a dropout rate outside {@code [0, 1)}, a
 * classifier width below 1, and inputs smaller than {@code 2^stages} (every pool halves the size).
 */
public record VggSpec(List<List<Integer>> stages, boolean batchNorm, int hiddenWidth, double dropout,
                      int numClasses, InputShape input) implements ModelSpec {

    /** VGG-16's convolution widths ({@code cfg[16]} of the reference; 'M' = end of a stage). */
    public static final List<List<Integer>> VGG16 = List.of(
            List.of(64, 64), List.of(128, 128), List.of(256, 256, 256), List.of(512, 512, 512),
            List.of(512, 512, 512));

    public VggSpec {
        stages = List.copyOf(stages.stream().map(List::copyOf).toList());
        if (stages.isEmpty() || stages.stream().anyMatch(s -> s.isEmpty() || s.stream().anyMatch(w -> w < 1))) {
            throw new IllegalArgumentException("vgg stages " + stages + " must be non-empty lists of widths >= 1");
        }
        if (hiddenWidth < 1) {
            throw new IllegalArgumentException("vgg classifier width " + hiddenWidth + " must be >= 1");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("vgg dropout rate " + dropout + " must be in [0, 1)");
        }
        ModelSpec.requireClasses(numClasses);
        input.requireAtLeast(1 << stages.size(), stages.size() + " stages each end in a 2x2 max pool");
    }

    /** The reference VGG-16: 512-wide classifier, dropout 0.5. */
    public static VggSpec vgg16(boolean batchNorm, int numClasses, InputShape input) {
        return new VggSpec(VGG16, batchNorm, 512, 0.5, numClasses, input);
    }

    @Override
    public String name() {
        int depth = stages.stream().mapToInt(List::size).sum() + 3;
        return "vgg" + depth + (batchNorm ? "bn" : "");
    }

    @Override
    public ComputationGraphConfiguration config(BuildSettings settings) {
        return Vgg.config(this, settings);
    }
}
