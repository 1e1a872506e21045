package org.swa4j.core;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A runtime layer that keeps BatchNorm running statistics among its parameters and reports the
 * batch moments it normalised with in its last training-mode forward pass: a fused convolution +
 * BatchNorm + ReLU layer, whose normalised values are not an activation of the network, or a
 * BatchNorm layer that computes the moments anyway and saves a second computation.
 *
 * <p>{@link BatchNormUpdate} reads DL4J's own {@code BatchNormalization} layers' moments from the
 * activations of their input; a layer implementing this interface is run in training mode and then
 * asked for its moments instead. Its running statistics must live under the parameter keys
 * {@code mean} and {@code var} (variance, not log std), so that {@link AveragedModel} recognises
 * them as statistics rather than weights.
 */
public interface FusedBatchNorm {

    /**
     * Per-channel mean and biased (population) variance, over the batch and spatial dimensions, of
     * the values this layer normalised in its most recent training-mode forward pass.
     * {@link BatchNormUpdate} calls it right after running the layer in training mode on each batch,
     * so that the moments cost no second pass over the layer's input.
     *
     * @return {@code {mean, variance}}, each with C elements; the layer may overwrite them in its next
     *     forward pass, so a caller copies what it keeps
     * @throws IllegalStateException if the layer has not run a training-mode forward pass
     */
    INDArray[] lastBatchMoments();
}
