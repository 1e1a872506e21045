package org.swa4j.experiments.geometry;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The data every point of an analysis is evaluated on.
 *
 * @param name          data set name, for the report
 * @param batchNormData training batches for the BN recomputation (the reference uses augmented ones)
 * @param batchNormPass which pass of {@code batchNormData} (when it is an {@code EpochIterator}) every point uses
 * @param trainData     un-augmented training batches for the training loss and error, or null to skip them
 * @param testData      test batches
 */
public record EvaluationData(String name, DataSetIterator batchNormData, int batchNormPass, DataSetIterator trainData,
                             DataSetIterator testData) {
}
