package org.swa4j.experiments.cli;

import java.util.concurrent.Callable;

import org.swa4j.experiments.bench.BenchSettings;
import org.swa4j.experiments.bench.TrainBenchmark;
import org.swa4j.models.layers.LayerFactories;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code swa bench-train --model NAME --input CxHxW --batch N [...]}: {@link TrainBenchmark} with the
 * options given. Refuses, before building anything, an unknown layer factory, a shape that is not
 * three positive integers and counts out of range, naming the option and the value; an unknown model
 * is refused by {@code Models} with the list of known ones.
 */
@Command(name = "bench-train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Training and inference throughput of a named model on random data "
                + "(e.g. bench-train --model cnn32 --input 1x28x28 --batch 128 --steps 20 --threads 2); "
                + "the last line printed is 'images/s: X' (training).")
public final class BenchTrainCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "model (see `swa models`; also preresnet<depth>, wrn<depth>x<width>, ...)")
    String model;

    @Option(names = "--input", required = true, paramLabel = "CxHxW", description = "image shape, e.g. 1x28x28 or 3x32x32")
    String input;

    @Option(names = "--batch", required = true, paramLabel = "N", description = "images per step")
    int batch;

    @Option(names = "--steps", paramLabel = "N", description = "timed training steps, then as many inference batches "
            + "(default: ${DEFAULT-VALUE})")
    int steps = 20;

    @Option(names = "--threads", paramLabel = "N", description = "ND4J and BLAS threads (default: all cores, ${DEFAULT-VALUE} here)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--layers", paramLabel = "NAME", description = "layer implementation: stock, native or fused "
            + "(default: ${DEFAULT-VALUE})")
    String layers = LayerFactories.defaultFactory().name();

    @Option(names = "--warmup", paramLabel = "N", description = "untimed steps first, while DL4J sizes its workspaces "
            + "(default: ${DEFAULT-VALUE})")
    int warmup = 8;

    @Option(names = "--classes", paramLabel = "N", description = "output classes (default: ${DEFAULT-VALUE})")
    int classes = 10;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the weights and the random data (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--workspaces", paramLabel = "enabled|none", description = "DL4J workspaces for training and inference "
            + "(default: ${DEFAULT-VALUE})")
    String workspaces = "enabled";

    @Override
    public Integer call() {
        TrainBenchmark.run(settings(), System.out);
        return 0;
    }

    /** The benchmark the options describe; rejects bad values, naming the option and the value. */
    BenchSettings settings() {
        String[] dims = input.split("x", -1);
        if (dims.length != 3) {
            throw new IllegalArgumentException("--input must be CxHxW (e.g. 1x28x28), got '" + input + "'");
        }
        int[] shape = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                shape[i] = Integer.parseInt(dims[i]);
            } catch (NumberFormatException e) {
                shape[i] = 0;
            }
            if (shape[i] < 1) {
                throw new IllegalArgumentException("--input must be CxHxW with C, H and W integers >= 1, got '" + input + "'");
            }
        }
        atLeast("--batch", batch, 1);
        atLeast("--steps", steps, 1);
        atLeast("--threads", threads, 1);
        atLeast("--warmup", warmup, 0);
        atLeast("--classes", classes, 1);
        if (!LayerFactories.names().contains(layers)) {
            throw new IllegalArgumentException("--layers must be one of " + LayerFactories.names() + ", got '" + layers + "'");
        }
        if (!workspaces.equals("enabled") && !workspaces.equals("none")) {
            throw new IllegalArgumentException("--workspaces must be enabled or none, got '" + workspaces + "'");
        }
        return new BenchSettings(model, shape[0], shape[1], shape[2], batch, steps, threads, layers, warmup, classes, seed,
                workspaces.equals("enabled"));
    }

    private static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
    }
}
