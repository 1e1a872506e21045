package org.swa4j.data.iterate;

/**
 * Derives independent 64-bit seeds from a root seed and indices with the SplitMix64 finaliser
 * (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
 * {@code mix(s, i) = fmix64(s + (i + 1) * 0x9E3779B97F4A7C15)}. A pass's shuffle uses {@code mix(seed, epoch)}
 * and the augmentation of its k-th example {@code mix(mix(seed, epoch), k)} with a distinct stream tag, so
 * they do not depend on how batches are spread over threads.
 */
public final class Seeds {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** A seed derived from {@code seed} and {@code index}. */
    public static long mix(long seed, long index) {
        long z = seed + (index + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Seed of the shuffle of pass {@code epoch}. */
    public static long shuffle(long seed, int epoch) {
        return mix(mix(seed, epoch), 0x5348554646L);
    }

    /** Seed of the augmentation of the example at position {@code position} of pass {@code epoch}. */
    public static long augmentation(long seed, int epoch, int position) {
        return mix(mix(mix(seed, epoch), 0x4155474DL), position);
    }
}
