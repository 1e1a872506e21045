package org.swa4j.experiments.cli;

import picocli.CommandLine.Command;

/**
 * Listed for {@code swa --help}; {@code Main} hands every {@code bench-train} invocation, with its
 * arguments untouched, to {@code org.swa4j.experiments.bench.TrainBenchmark.run}.
 */
@Command(name = "bench-train", description = "Training and inference throughput of a named model on random data "
        + "(e.g. bench-train --model cnn32 --input 1x28x28 --batch 128 --steps 20 --threads 2); see bench-train --help.")
public final class BenchTrainCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalStateException("bench-train is dispatched by Main before option parsing");
    }
}
