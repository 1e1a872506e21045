package org.swa4j.data.sets;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.image.StratifiedSubset;

/** Applies a train/test limit as a {@link StratifiedSubset}, logging what was kept so that nothing is cut silently. */
final class Subsets {
    private static final Logger LOG = LoggerFactory.getLogger(Subsets.class);

    private Subsets() {
    }

    /** All examples for limit 0, else the stratified subset of {@code limit}. */
    static LabelledImages limit(LabelledImages images, int limit, String what) {
        if (limit == 0 || limit == images.size()) {
            return images;
        }
        if (limit > images.size()) {
            throw new IllegalArgumentException(what + " limit " + limit + " must be in [0, " + images.size() + "]");
        }
        int[] chosen = StratifiedSubset.select(images.labels(), images.numClasses(), limit);
        LabelledImages subset = images.select(chosen, images.source() + " (stratified subset of " + limit + ")");
        log(what, limit, images.size(), subset.classCounts());
        return subset;
    }

    static void log(String what, int limit, int size, int[] perClass) {
        LOG.info("{}: using a stratified subset of {} of {} examples, per class {}", what, limit, size,
                Arrays.toString(perClass));
    }
}
