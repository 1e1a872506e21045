package org.swa4j.models;

/**
 * One row of the {@code models} listing: trainable parameters with 10 and with 100 classes (BatchNorm
 * running statistics excluded, as PyTorch counts them) and multiply-accumulates per image of shape
 * {@code input} (10 classes), all read from the configuration (see
 * {@link org.swa4j.models.graph.GraphCost}).
 */
public record ModelInfo(String name, InputShape input, long params10, long params100, long macsPerImage) {
}
