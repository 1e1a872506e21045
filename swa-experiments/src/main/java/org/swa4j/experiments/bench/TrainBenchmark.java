package org.swa4j.experiments.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.models.graph.GraphAssembler;
import org.swa4j.models.layers.LayerFactories;
import org.swa4j.models.layers.fast.Convolutions;

/**
 * {@code swa bench-train}: training throughput (images/s) of a named model on random data, after
 * warm-up, plus inference throughput and peak resident memory. The baseline to compare with is
 * the same command with {@code --layers stock}, and {@code benchmarks/pytorch/bench_train.py}
 * (PyTorch 1.13, same model, batch and thread count).
 *
 * <p>Each training step is one {@code fit} on a batch of N(0, 1) images with random one-hot labels
 * (four pre-generated batches, rotated, so data preparation is not timed). The default 8 warm-up
 * steps matter: DL4J sizes its workspaces over the first iterations, and with 3 warm-up steps the
 * next two steps of preresnet20 took 4x the steady-state time. Images/s is
 * {@code batch * steps / total seconds}. The last line printed is {@code images/s: X} (training).
 *
 * <pre>
 * bin/swa bench-train --model cnn32 --input 1x28x28 --batch 128 --steps 20 --threads 2
 * </pre>
 * (options and their defaults: {@code bin/swa bench-train --help}).
 */
public final class TrainBenchmark {

    private static final int DISTINCT_BATCHES = 4;

    private TrainBenchmark() {
    }

    /** Measures {@code a} and prints what was measured to {@code out}, the training images/s last. */
    public static void run(BenchSettings a, PrintStream out) {
        Result r = measure(a);
        out.printf(Locale.ROOT, "model: %s  layers: %s  input: %dx%dx%d  batch: %d  threads: %d  params: %d"
                        + "  data format: %s  workspaces: %s  float convolutions: %s  OMP_WAIT_POLICY: %s  GLIBC_TUNABLES: %s  jvm: %s%n",
                a.model(), a.layers(), a.channels(), a.height(), a.width(), a.batch(), a.threads(), r.params(),
                r.channelsLast() ? "NHWC (channels last)" : "NCHW", a.workspaces() ? "enabled" : "none", Convolutions.engine(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
                System.getenv().getOrDefault("GLIBC_TUNABLES", "(unset)"), Provenance.currentJvm());
        out.printf(Locale.ROOT, "train step ms: median %.1f  min %.1f  max %.1f  (%d steps after %d warm-up)%n",
                r.medianStepMs(), r.minStepMs(), r.maxStepMs(), a.steps(), a.warmup());
        out.println("step ms: " + Arrays.stream(r.stepMs()).mapToObj(ms -> String.format(Locale.ROOT, "%.0f", ms))
                .collect(java.util.stream.Collectors.joining(" ")));
        out.printf(Locale.ROOT, "inference images/s: %.1f%n", r.inferenceImagesPerSec());
        out.printf(Locale.ROOT, "peak RSS MiB: %.0f (after training %.0f)%n", r.peakRssMiB(), r.trainPeakRssMiB());
        out.printf(Locale.ROOT, "images/s: %.1f%n", r.trainImagesPerSec());
    }

    /** What one benchmark run measured. */
    public record Result(long params, boolean channelsLast, double trainImagesPerSec, double inferenceImagesPerSec,
            double medianStepMs, double minStepMs, double maxStepMs, double trainPeakRssMiB, double peakRssMiB,
            double[] stepMs) {
    }

    public static Result measure(BenchSettings a) {
        Nd4j.getEnvironment().setMaxThreads(a.threads());
        Nd4j.getEnvironment().setMaxMasterThreads(a.threads());
        Nd4j.factory().blas().setMaxThreads(a.threads());
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        ComputationGraph net = BenchModels.build(a, LayerFactories.byName(a.layers()));
        List<DataSet> batches = new ArrayList<>();
        Nd4j.getRandom().setSeed(a.seed());
        java.util.SplittableRandom labels = new java.util.SplittableRandom(a.seed());
        for (int i = 0; i < DISTINCT_BATCHES; i++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, a.batch(), a.channels(), a.height(), a.width());
            INDArray y = Nd4j.zeros(DataType.FLOAT, a.batch(), a.classes());
            for (int n = 0; n < a.batch(); n++) {
                y.putScalar(n, labels.nextInt(a.classes()), 1.0);
            }
            batches.add(new DataSet(x, y));
        }
        for (int i = 0; i < a.warmup(); i++) {
            net.fit(batches.get(i % DISTINCT_BATCHES));
        }
        double[] stepMs = new double[a.steps()];
        long start = System.nanoTime();
        for (int i = 0; i < a.steps(); i++) {
            long t = System.nanoTime();
            net.fit(batches.get(i % DISTINCT_BATCHES));
            stepMs[i] = (System.nanoTime() - t) / 1e6;
        }
        double trainSec = (System.nanoTime() - start) / 1e9;
        double trainPeak = PeakMemory.peakRssMiB();
        for (int i = 0; i < a.warmup(); i++) {
            net.outputSingle(false, batches.get(i % DISTINCT_BATCHES).getFeatures());
        }
        long inferStart = System.nanoTime();
        for (int i = 0; i < a.steps(); i++) {
            net.outputSingle(false, batches.get(i % DISTINCT_BATCHES).getFeatures());
        }
        double inferSec = (System.nanoTime() - inferStart) / 1e9;
        double[] sorted = stepMs.clone();
        Arrays.sort(sorted);
        double images = (double) a.batch() * a.steps();
        return new Result(net.numParams(), GraphAssembler.runsChannelsLast(net.getConfiguration()), images / trainSec, images / inferSec, sorted[sorted.length / 2], sorted[0],
                sorted[sorted.length - 1], trainPeak, PeakMemory.peakRssMiB(), stepMs);
    }
}
