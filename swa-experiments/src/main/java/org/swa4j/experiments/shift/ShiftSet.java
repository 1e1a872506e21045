package org.swa4j.experiments.shift;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.runner.JobContext;

/**
 * One evaluation set of {@code swa shift}: the clean test set ({@link #CLEAN}, severity 0) or a corrupted
 * copy of it, served in file order in batches of {@link JobContext#EVAL_BATCH}, normalised as the run's test
 * set. The iterator is made once and reset before every pass.
 */
public final class ShiftSet {

    /** The corruption name of the clean test set. */
    public static final String CLEAN = "clean";

    private final String corruption;
    private final int severity;
    private final InMemoryImageDataset data;
    private DataSetIterator iterator;

    ShiftSet(String corruption, int severity, InMemoryImageDataset data) {
        this.corruption = corruption;
        this.severity = severity;
        this.data = data;
    }

    /** {@code clean} or a corruption's key. */
    public String corruption() {
        return corruption;
    }

    /** 0 for the clean set, else 1..5. */
    public int severity() {
        return severity;
    }

    /** Number of test images. */
    public int size() {
        return data.testSize();
    }

    /** The test batches (the same iterator every time). */
    public DataSetIterator iterator() {
        if (iterator == null) {
            iterator = data.test(JobContext.EVAL_BATCH);
        }
        return iterator;
    }

    @Override
    public String toString() {
        return severity == 0 ? CLEAN : corruption + " " + severity;
    }
}
