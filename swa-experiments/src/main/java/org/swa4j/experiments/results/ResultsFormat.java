package org.swa4j.experiments.results;

/**
 * The version of what a results directory holds, recorded in its {@code run.json}. It changes when a
 * change of swa4j changes the numbers a preset produces or the files a run reads back, so that
 * {@code swa resume} and {@code swa merge} never put results of two versions into one summary.
 * <ul>
 *   <li>1 (no field in {@code run.json}): before it was recorded.</li>
 *   <li>2: checksummed checkpoints and models, two checkpoint generations kept; convolutions
 *       initialised fan-out as in the reference code, weight decay on every parameter, BatchNorm's
 *       gamma and beta included; WideResNet with torch's default initialisation and its head
 *       BatchNorm's momentum 0.9; VGG presets normalised with ImageNet's mean/std; Shake-Shake and
 *       PyramidNet presets at B = 1800 and 300; CIFAR-100 PreResNet-164's FGE in 200 epochs; three
 *       more p-value columns in {@code summary.csv}.</li>
 * </ul>
 */
public final class ResultsFormat {

    /** The format this version of swa4j writes. */
    public static final int CURRENT = 2;

    private ResultsFormat() {
    }

    /** The format recorded in a {@code run.json}: a missing field means format 1. */
    public static int of(Integer recorded) {
        return recorded == null ? 1 : recorded;
    }
}
