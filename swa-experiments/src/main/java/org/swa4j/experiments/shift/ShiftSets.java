package org.swa4j.experiments.shift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.swa4j.data.corrupt.CorruptedImages;
import org.swa4j.data.corrupt.Corruption;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.image.StratifiedSubset;
import org.swa4j.data.sets.InMemoryImageDataset;

/**
 * The evaluation sets of {@code swa shift}: the clean test set first, then every (corruption, severity) in
 * the order given. A test limit L takes the same stratified subset as a run's {@code test_limit} (the first
 * images of each class in file order, {@link StratifiedSubset}); every image keeps the noise of its position in
 * the whole test set ({@link CorruptedImages}), so a subset's images are those of the full corrupted set.
 * Rejects a limit outside [0, test size].
 */
public final class ShiftSets {

    private ShiftSets() {
    }

    /**
     * The sets built from {@code full} (a data set opened without a test limit) with {@code testLimit} images
     * (0: all), normalised as {@code full}.
     */
    public static List<ShiftSet> of(InMemoryImageDataset full, int testLimit, List<Corruption> corruptions, List<Integer> severities,
            long seed) {
        LabelledImages all = full.testImages();
        if (testLimit < 0 || testLimit > all.size()) {
            throw new IllegalArgumentException("--test-limit " + testLimit + " must be in [0, " + all.size() + "] (0 = the whole "
                    + "test set of " + full.name() + ")");
        }
        int[] positions = testLimit == 0 || testLimit == all.size() ? identity(all.size())
                : StratifiedSubset.select(all.labels(), all.numClasses(), testLimit);
        List<ShiftSet> sets = new ArrayList<>();
        LabelledImages clean = positions.length == all.size() ? all
                : all.select(positions, all.source() + " (stratified subset of " + testLimit + ")");
        sets.add(new ShiftSet(ShiftSet.CLEAN, 0, full.withTestImages(clean)));
        for (Corruption c : corruptions) {
            for (int s : severities) {
                sets.add(new ShiftSet(c.key(), s, full.withTestImages(CorruptedImages.of(all, positions, c, s, seed))));
            }
        }
        return sets;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        return p;
    }
}
