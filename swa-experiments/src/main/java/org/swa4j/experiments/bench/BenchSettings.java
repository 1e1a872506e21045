package org.swa4j.experiments.bench;

/**
 * What {@link TrainBenchmark} measures: a named model on random {@code channels x height x width}
 * images ({@code swa bench-train}'s options, or the preset of {@code swa run --dry-run}).
 *
 * @param model      model name (see {@code swa models})
 * @param channels   input channels C
 * @param height     input height H
 * @param width      input width W
 * @param batch      images per step
 * @param steps      timed training steps (and inference batches)
 * @param threads    ND4J and BLAS threads
 * @param layers     layer factory name (stock, native, fused)
 * @param warmup     untimed steps before the timed ones
 * @param classes    output classes
 * @param seed       seed of the weights and the random data
 * @param workspaces whether DL4J workspaces are enabled
 */
public record BenchSettings(String model, int channels, int height, int width, int batch, int steps, int threads,
        String layers, int warmup, int classes, long seed, boolean workspaces) {
}
