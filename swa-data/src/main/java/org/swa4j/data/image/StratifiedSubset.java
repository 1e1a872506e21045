package org.swa4j.data.image;

import java.util.Arrays;

/**
 * A deterministic stratified subset: class {@code c} with {@code n_c} of {@code N} examples gets the quota
 * {@code floor(L * n_c / N)}, and the {@code L - sum} examples left over go one each to the classes with the
 * largest fractional remainders (ties to the lower class index) — Hamilton's largest-remainder rule. Each
 * class contributes its first quota examples in file order, and the result keeps file order. No seed is
 * involved: the same labels and limit always give the same subset. Rejects a limit outside {@code [1, N]}.
 */
public final class StratifiedSubset {
    private StratifiedSubset() {
    }

    /** Per-class quotas for a subset of {@code limit} examples out of the classes with the given counts. */
    public static int[] quotas(int[] classCounts, int limit) {
        long total = Arrays.stream(classCounts).asLongStream().sum();
        if (limit < 1 || limit > total) {
            throw new IllegalArgumentException("subset size " + limit + " must be in [1, " + total + "]");
        }
        int k = classCounts.length;
        int[] quota = new int[k];
        double[] remainder = new double[k];
        int assigned = 0;
        for (int c = 0; c < k; c++) {
            long scaled = (long) limit * classCounts[c];
            quota[c] = (int) (scaled / total);
            remainder[c] = (double) (scaled % total) / total;
            assigned += quota[c];
        }
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> remainder[a] != remainder[b] ? Double.compare(remainder[b], remainder[a]) : a - b);
        for (int i = 0; assigned < limit; i++) {
            quota[order[i]]++;
            assigned++;
        }
        return quota;
    }

    /** Ascending indices of the stratified subset of {@code limit} examples with the given labels. */
    public static int[] select(int[] labels, int numClasses, int limit) {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        int[] quota = quotas(counts, limit);
        int[] chosen = new int[limit];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (quota[labels[i]] > 0) {
                quota[labels[i]]--;
                chosen[n++] = i;
            }
        }
        return chosen;
    }
}
