package org.swa4j.experiments.bench;

/** {@code swa bench-train}: training and inference throughput of a named model (issue 5 fills it in). */
public final class TrainBenchmark {
    private TrainBenchmark() {
    }

    /** Runs the benchmark with command-line arguments; returns the process exit code. */
    public static int run(String[] args) {
        throw new UnsupportedOperationException("bench-train is not implemented yet");
    }
}
