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
import org.swa4j.core.Swag;

/**
 * What do SWAG's collection ({@link Swag#collect}) and one draw ({@link Swag#sample}) cost, against
 * what SWA already pays?
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
 * <p>What bounds the ratios (4-byte floats, bytes that must move): an update reads w twice (the
 * finiteness check, then {@code A += a w}) and reads and writes A, 16N; a collection does the same
 * check and sum, then writes the deviation {@code d = w - S/n} and adds {@code d * d} to the centred sum
 * through a product in a working vector, 48N, 3x the update (any SWAG keeps two running moments to
 * SWA's one, so no implementation reaches 1.2: one fused pass would still move 28N). A copy moves 8N;
 * a draw generates N normal deviates (the JDK's ziggurat, 3-4 ns each on two cores against 0.2 ns per
 * copied value here) and moves 28N, plus 4N per deviation row for the low-rank term (88N more at K = 20).
 *
 * <p>Each trial's tear-down checks the result. copy: equals w. Update and collections of the same w
 * again and again: {@code count()} equals the calls, and the mean (and, for SWAG, a draw at scale 1/2)
 * equals w up to float rounding, {@code max(1e-4, calls * 6e-8)} of max |w|. Draws: the SWAG holds
 * w + a_k delta for a_k = 1..21 and delta_i = (0.5 + u_i) / 100, so that (draw - mean) / delta has a
 * variance over the weights of {@code scale Var(a) = 0.5 * 36.67} (the low-rank term adds a shift shared by all
 * weights); it must hold within 5 standard errors, {@code 5 * 0.5 Var(a) sqrt(2 / (N - 1))}.
 * {@code SwagTest.benchmarkedCollectAndSampleAreCorrectOnTheBenchmarkShape} runs the same procedures.
 *
 * <p>Measured (code at commit ffcefd3, the 2-vCPU development machine, CPU lock held, {@code bin/swa}'s
 * C1-only JVM, the command below; JMH error bars are wide at these short iterations), ms per op and
 * the ratio to the baseline:
 * <pre>
 *   variant                     1M              10M             36.5M
 *   averagedModelUpdate         0.086           1.389           6.039
 *   collectDiagonal             2.757 (32x)    13.25  (9.5x)   35.1  (5.8x)
 *   collectLowRank              2.791 (32x)    12.95  (9.3x)   41.9  (6.9x)
 *   copy                        0.106           1.917          10.05
 *   sampleDiagonal             11.80 (111x)    72.7  (38x)    179   (18x)
 *   sampleLowRank              14.25 (134x)    86.5  (45x)    259   (26x)
 * </pre>
 * Neither target is met, nor can be by the arithmetic above. At 36.5M a collection is near the
 * memory traffic it needs; a draw is mostly its N normal deviates: with the JVM's C2 compiler
 * ({@code SWA4J_JAVA_OPTS="-Xmx8g -XX:+UseParallelGC"}) the draws took 29.2 / 91.2 ms (diagonal, 10M /
 * 36.5M; 16x / 8.8x the copy) and 59.1 / 179 ms (K = 20). At 1M, libnd4j's OpenMP threads spinning
 * after one draw's element-wise product compete with the next draw's noise threads:
 * {@code OMP_WAIT_POLICY=PASSIVE} brought a diagonal draw from 10.8 to 4.7 ms (4.2 ms of it noise).
 * Either cost is small beside what a draw is for: a BatchNorm update pass and an inference pass.
 *
 * <p>How to run (after {@code mvn -B -q install -DskipTests}):
 * <pre>
 *   bin/swa jmh SwagBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 * or run this class's {@code main} for the ratio table.
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

    @Param({"1000000", "10000000", "36500000"})
    public int params;

    private MultiLayerNetwork net;
    private MultiLayerNetwork target;
    private AveragedModel<MultiLayerNetwork> average;
    private Swag<MultiLayerNetwork> swag;
    private INDArray delta;
    private SplittableRandom rng;
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
        String variant = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
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
            default -> throw new IllegalStateException("no setup for " + variant);
        }
        calls = 0;
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

    @TearDown(Level.Trial)
    public void check() {
        INDArray w = net.params();
        double tolerance = Math.max(1e-4, calls * 6e-8) * w.amaxNumber().doubleValue();
        if (average != null) {
            requireCount("update", average.count(), calls);
            requireClose("update's average", average.model().params(), w, tolerance);
        } else if (delta != null) {
            requireCount("sample's SWAG", swag.count(), LINE_POINTS);
            INDArray mean = swag.mean(swag.newNetwork()).params();
            double varA = (LINE_POINTS * (double) LINE_POINTS - 1) / 12;
            double expected = SCALE * varA;
            double spread = target.params().sub(mean).divi(delta).varNumber().doubleValue();
            double allowed = 5 * expected * Math.sqrt(2.0 / (params - 1));
            if (calls == 0 || !(Math.abs(spread - expected) <= allowed)) {
                throw new IllegalStateException("after " + calls + " draws, (draw - mean) / delta has variance " + spread
                        + ", expected " + expected + " +- " + allowed);
            }
        } else if (swag != null) {
            requireCount("SWAG", swag.count(), calls);
            requireClose("SWAG's mean", swag.mean(swag.newNetwork()).params(), w, tolerance);
            requireClose("SWAG's draw", swag.sample(new SplittableRandom(1), swag.newNetwork()).params(), w, tolerance);
        } else if (calls > 0 && !target.params().equals(w)) {
            throw new IllegalStateException("copy differs from the weights");
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
                String baseline = v.getKey().startsWith("collect") ? "averagedModelUpdate"
                        : v.getKey().startsWith("sample") ? "copy" : null;
                Double base = baseline == null ? null : e.getValue().get(baseline);
                System.out.printf("%-10d %-20s %9.3f %-20s %7s%n", e.getKey(), v.getKey(), v.getValue(),
                        baseline == null ? "" : baseline, base == null ? "" : String.format("%.2f", v.getValue() / base));
            }
        }
    }
}
