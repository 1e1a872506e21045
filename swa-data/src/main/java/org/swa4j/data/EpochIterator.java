package org.swa4j.data;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A training iterator whose passes are numbered. The order and augmentation of pass {@code e} depend only on
 * the seed and {@code e}. {@link #reset()} moves to the next pass once a batch of the current pass has been
 * taken (on an untouched pass it stays there, so DL4J's "reset if exhausted" and an explicit reset agree);
 * {@link #setEpoch(int)} makes pass {@code e} the current, untouched pass.
 */
public interface EpochIterator extends DataSetIterator {
    /** Makes pass {@code epoch} (>= 0) the one the next batch comes from, dropping any pass in progress. */
    void setEpoch(int epoch);

    /** The pass that the current (or the next, if none was taken yet) batches come from. */
    int epoch();
}
