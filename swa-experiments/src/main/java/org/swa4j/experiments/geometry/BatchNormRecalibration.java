package org.swa4j.experiments.geometry;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Recomputes a network's BatchNorm running statistics for its current weights from one pass over
 * {@code data} (torch {@code update_bn}: exact cumulative mean and population variance). The
 * production implementation is {@code org.swa4j.core.BatchNormUpdate::run}; tests may pass their
 * own.
 */
@FunctionalInterface
public interface BatchNormRecalibration {

    /** Sets every BN layer's running mean and variance of {@code net} from one pass over {@code data}. */
    void recompute(Model net, DataSetIterator data);
}
