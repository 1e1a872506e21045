package org.swa4j.experiments.bench;

import java.util.Collection;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.NormalNoise;
import org.swa4j.core.Swag;

/**
 * What do SWAG's collection ({@link Swag#collect}) and one draw ({@link Swag#sample}) cost, against
 * what SWA already pays, and how far are they from what they cannot go below?
 *
 * <p>Problem: SWAG collects where SWA averages and draws S = 30 networks for its Bayesian model
 * average. Baselines: {@code averagedModelUpdate} ({@link AveragedModel#update} of SWA) for a
 * collection, target time ratio &lt;= 1.2; {@code copy}, a plain copy of the weights into another
 * network's parameters, for a draw, target &lt;= 2 (the BatchNorm update each draw needs is not
 * included). Variants: {@code collectDiagonal}, {@code collectLowRank} (K = 20), {@code sampleDiagonal},
 * {@code sampleLowRank} (K = 20 deviations held, scale 1/2), on the network {@link AveragingBenchmark}
 * uses: one dense 999 x (N/1000) layer, exactly N float parameters, N = 1M, 10M, 36.5M
 * (WideResNet-28-10's size). Each trial builds only what its variant uses (at 36.5M the low-rank
 * SWAG holds 3.4 GB).
 *
 * <p>Floors, measured in the same run: {@code readWeights}, the read of N floats that the update and a
 * collection both start with (BLAS asum, the finiteness check); {@code collectTraffic}, the bytes a
 * collection must move, 4 reads and 3 writes of N floats (read w; read and write the sum and the second
 * moment; write the deviation), each stream by BLAS or a copy, against the update's 3 reads and 1 write;
 * {@code normals}, N normal deviates written to a vector ({@link NormalNoise}, the generator a draw uses);
 * {@code readDeviations}, one read of K = 20 rows of N floats (BLAS asum over the rows), which the
 * low-rank term of every draw must do: 10 times the floats a copy reads.
 *
 * <p>Each trial's tear-down checks the result. copy: equals w. Update and collections of the same w
 * again and again: {@code count()} equals the calls, and the mean (and, for SWAG, a draw at scale 1/2)
 * equals w up to float rounding, {@code max(1e-4, calls * 6e-8)} of max |w|. Draws: the SWAG holds
 * w + a_k delta for a_k = 1..21 and delta_i = (0.5 + u_i) / 100, so that (draw - mean) / delta has a
 * variance over the weights of {@code scale Var(a) = 0.5 * 36.67} (the low-rank term adds a shift shared by all
 * weights); it must hold within 5 standard errors, {@code 5 * 0.5 Var(a) sqrt(2 / (N - 1))}. Reads: their
 * arrays are zeros but for one 1 per row, and their sum must be exactly the number of rows; normals: mean 0 and variance 1 within 5 standard errors;
 * the traffic's copy equals w. {@code SwagTest.benchmarkedCollectAndSampleAreCorrectOnTheBenchmarkShape}
 * runs the same procedures.
 *
 * <p>How to run (after {@code mvn -B -q install -DskipTests}):
 * <pre>
 *   bin/swa jmh SwagBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 * or run this class's {@code main} for the ratio table. Measured figures: {@code docs/swag.md}, "Cost".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Djavacpp.platform.extension=-onednn-avx2")
public class SwagBenchmark {

    private static final int LINE_POINTS = 21;
    private static final double SCALE = 0.5;
    private static final int DEVIATIONS = Swag.DEFAULT_RANK;

    @Param({"1000000", "10000000", "36500000"})
    public int params;

    private MultiLayerNetwork net;
    private MultiLayerNetwork target;
    private AveragedModel<MultiLayerNetwork> average;
    private Swag<MultiLayerNetwork> swag;
    private INDArray delta;
    private SplittableRandom rng;
    private INDArray rows;
    private INDArray[] streams;
    private INDArray noise;
    private double readSum;
    private String variant;
    private long calls;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams benchmark) {
        if (params % 1000 != 0) {
            throw new IllegalArgumentException("params must be a multiple of 1000, got " + params);
        }
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .list().layer(new DenseLayer.Builder().nIn(999).nOut(params / 1000).build()).build();
        net = new MultiLayerNetwork(conf);
        net.init();
        if (net.numParams() != params) {
            throw new IllegalStateException("network has " + net.numParams() + " parameters, wanted " + params);
        }
        variant = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
        switch (variant) {
            case "copy" -> {
                target = new MultiLayerNetwork(conf.clone());
                target.init();
            }
            case "averagedModelUpdate" -> average = AveragedModel.swa(net);
            case "collectDiagonal" -> swag = Swag.diagonal(net);
            case "collectLowRank" -> swag = Swag.lowRank(net);
            case "sampleDiagonal", "sampleLowRank" -> {
                swag = variant.equals("sampleDiagonal") ? Swag.diagonal(net) : Swag.lowRank(net);
                collectAlongALine();
                target = swag.newNetwork();
                rng = new SplittableRandom(7);
            }
            case "readWeights" -> net.params().assign(ones(1, params));
            case "readDeviations" -> rows = ones(DEVIATIONS, params);
            case "normals" -> {
                noise = Nd4j.zeros(DataType.FLOAT, params);
                rng = new SplittableRandom(7);
            }
            case "collectTraffic" -> streams = new INDArray[] {Nd4j.rand(DataType.FLOAT, params),
                    Nd4j.rand(DataType.FLOAT, params), Nd4j.zeros(DataType.FLOAT, 1, params)};
            default -> throw new IllegalStateException("no setup for " + variant);
        }
        calls = 0;
    }

    /**
     * Zeros but for a 1 at one place in each row, so that the sum that a read returns is exact in float
     * whatever order BLAS adds in.
     */
    private static INDArray ones(int rows, int columns) {
        INDArray a = Nd4j.zeros(DataType.FLOAT, rows, columns);
        for (int j = 0; j < rows; j++) {
            a.putScalar(j, (long) columns * (j + 1) / (rows + 1), 1.0);
        }
        return a;
    }

    /** Collects w + a_k delta, a_k = 1..21, delta_i = (0.5 + u_i) / 100 (seeded), then puts w back. */
    private void collectAlongALine() {
        INDArray w = net.params().dup();
        Nd4j.getRandom().setSeed(3);
        delta = Nd4j.rand(DataType.FLOAT, w.shape()).addi(0.5).divi(100);
        for (int k = 1; k <= LINE_POINTS; k++) {
            net.params().assign(w).addi(delta.mul(k));
            swag.collect(net);
        }
        net.params().assign(w);
    }

    @Benchmark
    public INDArray copy() {
        calls++;
        return target.params().assign(net.params());
    }

    @Benchmark
    public long averagedModelUpdate() {
        average.update(net);
        calls++;
        return average.count();
    }

    @Benchmark
    public long collectDiagonal() {
        swag.collect(net);
        calls++;
        return swag.count();
    }

    @Benchmark
    public long collectLowRank() {
        swag.collect(net);
        calls++;
        return swag.count();
    }

    @Benchmark
    public MultiLayerNetwork sampleDiagonal() {
        calls++;
        return swag.sample(rng, SCALE, target);
    }

    @Benchmark
    public MultiLayerNetwork sampleLowRank() {
        calls++;
        return swag.sample(rng, SCALE, target);
    }

    /** Floor: the read every update and collection starts with (the finiteness check), P floats (here zeros and one 1). */
    @Benchmark
    public double readWeights() {
        calls++;
        return readSum = Nd4j.getBlasWrapper().level1().asum(net.params());
    }

    /** Floor: one read of K = 20 rows of P floats, as a draw's low-rank term must read them (zeros and a 1 per row). */
    @Benchmark
    public double readDeviations() {
        calls++;
        return readSum = Nd4j.getBlasWrapper().level1().asum(rows);
    }

    /** Floor: P normal deviates written to a vector, as a draw must generate them. */
    @Benchmark
    public INDArray normals() {
        calls++;
        NormalNoise.fill(noise, rng, 1.0);
        return noise;
    }

    /**
     * Floor: the bytes one collection must move, each stream at BLAS speed: read w (the check), read and
     * write the sum and the second moment in place (scal by 2 and 1/2 in turn, exact), write the deviation
     * (a copy of w into a row), 4 reads and 3 writes of P floats.
     */
    @Benchmark
    public INDArray collectTraffic() {
        double factor = calls % 2 == 0 ? 2.0 : 0.5;
        calls++;
        readSum = Nd4j.getBlasWrapper().level1().asum(net.params());
        Nd4j.getBlasWrapper().level1().scal(params, factor, streams[0]);
        Nd4j.getBlasWrapper().level1().scal(params, factor, streams[1]);
        return streams[2].assign(net.params());
    }

    @TearDown(Level.Trial)
    public void check() {
        if (calls == 0) {
            throw new IllegalStateException(variant + " never ran");
        }
        INDArray w = net.params();
        double tolerance = Math.max(1e-4, calls * 6e-8) * w.amaxNumber().doubleValue();
        switch (variant) {
            case "copy" -> requireClose("copy", target.params(), w, 0);
            case "averagedModelUpdate" -> {
                requireCount("update", average.count(), calls);
                requireClose("update's average", average.model().params(), w, tolerance);
            }
            case "collectDiagonal", "collectLowRank" -> {
                requireCount("SWAG", swag.count(), calls);
                requireClose("SWAG's mean", swag.mean(swag.newNetwork()).params(), w, tolerance);
                requireClose("SWAG's draw", swag.sample(new SplittableRandom(1), swag.newNetwork()).params(), w, tolerance);
            }
            case "sampleDiagonal", "sampleLowRank" -> {
                requireCount("sample's SWAG", swag.count(), LINE_POINTS);
                INDArray mean = swag.mean(swag.newNetwork()).params();
                double varA = (LINE_POINTS * (double) LINE_POINTS - 1) / 12;
                double expected = SCALE * varA;
                double spread = target.params().sub(mean).divi(delta).varNumber().doubleValue();
                double allowed = 5 * expected * Math.sqrt(2.0 / (params - 1));
                if (!(Math.abs(spread - expected) <= allowed)) {
                    throw new IllegalStateException("after " + calls + " draws, (draw - mean) / delta has variance " + spread
                            + ", expected " + expected + " +- " + allowed);
                }
            }
            case "readWeights", "readDeviations" -> {
                double expected = variant.equals("readWeights") ? 1 : DEVIATIONS;
                if (readSum != expected) {
                    throw new IllegalStateException(variant + " summed " + readSum + ", expected " + expected);
                }
            }
            case "normals" -> {
                double mean = noise.meanNumber().doubleValue();
                double variance = noise.varNumber().doubleValue();
                if (!(Math.abs(mean) <= 5 / Math.sqrt(params) && Math.abs(variance - 1) <= 5 * Math.sqrt(2.0 / params))) {
                    throw new IllegalStateException("P standard normals have mean " + mean + " and variance " + variance
                            + " (5 standard errors allowed)");
                }
            }
            case "collectTraffic" -> requireClose("the traffic's copy", streams[2], w, 0);
            default -> throw new IllegalStateException("no check for " + variant);
        }
    }

    private static void requireCount(String name, long count, long expected) {
        if (count != expected) {
            throw new IllegalStateException(name + " count " + count + " != " + expected);
        }
    }

    private static void requireClose(String name, INDArray actual, INDArray expected, double tolerance) {
        double maxDiff = actual.sub(expected).amaxNumber().doubleValue();
        if (!(maxDiff <= tolerance)) {
            throw new IllegalStateException(name + " differs from w by " + maxDiff + " (allowed " + tolerance + ")");
        }
    }

    /** Runs the benchmark and prints each variant's time and its ratio to its baseline. */
    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(SwagBenchmark.class.getName()).build()).run();
        Map<Integer, Map<String, Double>> msPerOp = new TreeMap<>();
        for (RunResult r : results) {
            int n = Integer.parseInt(r.getParams().getParam("params"));
            String bench = r.getParams().getBenchmark();
            msPerOp.computeIfAbsent(n, k -> new TreeMap<>())
                    .put(bench.substring(bench.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        System.out.printf("%n%-10s %-20s %9s %-20s %7s%n", "params", "variant", "ms/op", "baseline", "ratio");
        for (Map.Entry<Integer, Map<String, Double>> e : msPerOp.entrySet()) {
            for (Map.Entry<String, Double> v : e.getValue().entrySet()) {
                String baseline = baseline(v.getKey());
                Double base = baseline == null ? null : e.getValue().get(baseline);
                System.out.printf("%-10d %-20s %9.3f %-20s %7s%n", e.getKey(), v.getKey(), v.getValue(),
                        baseline == null ? "" : baseline, base == null ? "" : String.format("%.2f", v.getValue() / base));
            }
        }
    }

    /** A collection and its floors against SWA's update; a draw and its floors against a copy. */
    private static String baseline(String variant) {
        return switch (variant) {
            case "collectDiagonal", "collectLowRank", "collectTraffic", "readWeights" -> "averagedModelUpdate";
            case "sampleDiagonal", "sampleLowRank", "readDeviations", "normals" -> "copy";
            default -> null;
        };
    }
}
