package org.swa4j.core;

/**
 * What {@link AveragedModel} does with the BatchNorm running statistics ({@code mean}, {@code var},
 * {@code log10stdev}) that DL4J keeps inside {@code params()}.
 */
public enum BatchNormStatistics {
    /**
     * The default: statistics are not averaged as if they were weights; each update copies them from
     * the live network. Run {@link BatchNormUpdate} on {@link AveragedModel#model()} before using it.
     */
    COPY,
    /**
     * Statistics are averaged with the same rule as the weights, like torch's
     * {@code AveragedModel(use_buffers=True)}. A {@code log10stdev} parameter is averaged as the
     * variance it stands for, {@code 10^(2 * log10stdev)}, and stored back as {@code log10(sqrt(var))}.
     */
    AVERAGE
}
