package org.swa4j.data.iterate;

import java.util.SplittableRandom;

/**
 * The order in which a pass visits the examples: a Fisher–Yates permutation of {@code 0..n-1} driven by a
 * {@link SplittableRandom} seeded with {@link Seeds#shuffle(long, int)}, so every example appears exactly
 * once per pass and the same (seed, epoch) always gives the same order.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** The permutation of pass {@code epoch}. */
    public static int[] shuffled(int n, long seed, int epoch) {
        int[] order = identity(n);
        SplittableRandom random = new SplittableRandom(Seeds.shuffle(seed, epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** File order. */
    public static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
