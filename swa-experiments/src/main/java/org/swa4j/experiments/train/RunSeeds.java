package org.swa4j.experiments.train;

/**
 * Every seed a run derives from its seed k (1, 2, ...), one method per use. The values are part of
 * the results: a change to any of them changes every number a run records. The data pipeline derives
 * each pass's shuffle and each example's augmentation from the data seeds given here
 * ({@code org.swa4j.data.iterate.Seeds}, SplitMix64), so a batch depends only on (data seed, pass, position).
 */
public final class RunSeeds {

    /** Offset of the BatchNorm-update stream from the run's seed. */
    private static final long BATCH_NORM_OFFSET = 0x5EED_B00BL;

    /** Offset of SWAG's sampling seed from the run's seed. */
    private static final long SWAG_SAMPLING_OFFSET = 0x5A6B_0000L;

    /** Multiplier of the seed in ND4J's generator seed of a training pass. */
    private static final long PASS_MULTIPLIER = 1_000_003L;

    private RunSeeds() {
    }

    /** The network's initial weights ({@code org.swa4j.models.Models}): k itself. */
    public static long initialisation(long seed) {
        return seed;
    }

    /**
     * The training data's order and augmentation: k itself, so that the SGD, FGE and SWA runs of a seed
     * see the same batches in the same epochs (and share their initial weights), which pairs them.
     */
    public static long trainingData(long seed) {
        return seed;
    }

    /**
     * The training passes that recompute an average's BatchNorm statistics: {@code 0x5EEDB00B + k}, a
     * stream apart from the training data's. The average evaluated after epoch e is recomputed on pass e.
     */
    public static long batchNormData(long seed) {
        return BATCH_NORM_OFFSET + seed;
    }

    /**
     * ND4J's global generator at the start of training pass {@code epoch} (0-based; dropout, Shake-Shake's
     * mixing weights): {@code k * 1000003 + epoch}, so a pass computes the same whether the run was
     * interrupted before it or not.
     */
    public static long trainingPass(long seed, int epoch) {
        return seed * PASS_MULTIPLIER + epoch;
    }

    /**
     * SWAG's draws of seed k's Bayesian model average: {@code 0x5A6B0000 + k}. Every average of the seed
     * (each SWAG budget, and {@code swa swag} replaying the run) starts a fresh
     * {@code new SplittableRandom(swagSampling(k))}; sample s is drawn from its s-th {@code nextLong()}
     * ({@code org.swa4j.core.Swag#sample}), so the samples of an average do not depend on when or how
     * often it is computed.
     */
    public static long swagSampling(long seed) {
        return SWAG_SAMPLING_OFFSET + seed;
    }
}
