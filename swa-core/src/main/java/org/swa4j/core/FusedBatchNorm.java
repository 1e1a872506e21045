package org.swa4j.core;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A runtime layer that keeps BatchNorm running statistics among its parameters but whose
 * normalised input is not an activation of the network (for example a fused
 * convolution + BatchNorm + ReLU layer).
 *
 * <p>{@link BatchNormUpdate} handles DL4J's {@code BatchNormalization} layers (and subclasses of
 * their configuration) from the activations of their input; a layer implementing this interface
 * is asked directly for the moments of its own pre-normalisation values instead. Its running
 * statistics must live under the parameter keys {@code mean} and {@code var} (variance, not log
 * std), so that {@link AveragedModel} recognises them as statistics rather than weights.
 */
public interface FusedBatchNorm {

    /**
     * Per-channel mean and biased (population) variance, over the batch and spatial dimensions, of
     * the values this layer normalises, for the given layer input in training mode. Changes no
     * parameter and no state.
     *
     * @param layerInput the layer's input, [N, C, H, W]
     * @return {@code {mean, variance}}, each of shape [C]
     */
    INDArray[] batchMoments(INDArray layerInput);
}
