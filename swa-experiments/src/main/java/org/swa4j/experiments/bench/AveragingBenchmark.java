package org.swa4j.experiments.bench;

import java.util.Collection;
import java.util.Map;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.swa4j.core.AveragedModel;

/**
 * How fast is one averaging update ({@link AveragedModel#update}) compared with a plain copy of the
 * same arrays?
 *
 * <p>Problem: SWA folds the weights in once per epoch, but weight EMA does it every iteration, so
 * the update must run at memory speed. The baseline is {@code copy}: {@code dst.assign(w)} of the
 * network's flat parameter vector into a preallocated array (ND4J native copy). The measured
 * variants are {@code swaUpdate} and {@code emaUpdate} on a network whose only layer is a dense
 * 999 x (N/1000) layer, i.e. exactly N float parameters: 1M, 10M and 36.5M (WideResNet-28-10 size).
 *
 * <p>Bytes counted per operation (4-byte floats): the bytes the operation must move at minimum.
 * copy: read w + write dst = 8N. update: read w + read average + write average = 12N (the update's
 * extra read-only pass over w that rejects NaN/infinity is overhead, not counted). Reported:
 * GB/s = bytes / time, the bandwidth ratio GB/s(update) / GB/s(copy) (target &gt;= 0.8), and the time
 * ratio time(copy) / time(update).
 *
 * <p>Each trial's tear-down checks the result: the copy equals w; after k updates of the same w the
 * average equals w up to float rounding (max(1e-4, k * 6e-8) relative: the weights of an average must
 * sum to one) and {@code count() == k}.
 *
 * <p>How to run (after {@code mvn -B -q -DskipTests package}):
 * <pre>
 *   java -Djavacpp.platform.extension=-onednn-avx2 \
 *     -cp swa-experiments/target/swa-experiments-0.1.0-SNAPSHOT.jar:$(cat swa-experiments/target/classpath.txt) \
 *     org.openjdk.jmh.Main Averaging -f 1 -wi 2 -i 3
 * </pre>
 * or run this class's {@code main} (same settings) for the GB/s and ratio table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Djavacpp.platform.extension=-onednn-avx2")
public class AveragingBenchmark {

    @Param({"1000000", "10000000", "36500000"})
    public int params;

    private MultiLayerNetwork net;
    private INDArray copyTarget;
    private AveragedModel<?> swa;
    private AveragedModel<?> ema;
    private long copyCalls;
    private long swaCalls;
    private long emaCalls;

    @Setup(Level.Trial)
    public void setUp() {
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
        copyTarget = Nd4j.createUninitialized(DataType.FLOAT, net.params().shape());
        swa = AveragedModel.swa(net);
        ema = AveragedModel.ema(net, 0.999);
    }

    @Benchmark
    public INDArray copy() {
        copyCalls++;
        return copyTarget.assign(net.params());
    }

    @Benchmark
    public long swaUpdate() {
        swa.update(net);
        swaCalls++;
        return swa.count();
    }

    @Benchmark
    public long emaUpdate() {
        ema.update(net);
        emaCalls++;
        return ema.count();
    }

    @TearDown(Level.Trial)
    public void check() {
        INDArray w = net.params();
        if (copyCalls > 0 && !copyTarget.equals(w)) {
            throw new IllegalStateException("copy differs from the weights");
        }
        check("swa", swa, swaCalls, w);
        check("ema", ema, emaCalls, w);
    }

    private static void check(String name, AveragedModel<?> avg, long calls, INDArray w) {
        if (avg.count() != calls) {
            throw new IllegalStateException(name + " count " + avg.count() + " != calls " + calls);
        }
        if (calls > 0) {
            double maxDiff = avg.model().params().sub(w).amaxNumber().doubleValue();
            double scale = w.amaxNumber().doubleValue();
            // float32 rounding of k updates of the same vector accumulates to at most ~k * 2^-24
            // relative; a wrong averaging weight gives an O(1) error.
            double tolerance = Math.max(1e-4, calls * 6e-8) * scale;
            if (!(maxDiff <= tolerance)) {
                throw new IllegalStateException(name + " average of a constant w differs from w by " + maxDiff);
            }
        }
    }

    /** Runs the benchmark and prints GB/s and the ratios to the copy baseline. */
    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(AveragingBenchmark.class.getName()).build()).run();
        Map<Integer, Map<String, Double>> msPerOp = new TreeMap<>();
        for (RunResult r : results) {
            int n = Integer.parseInt(r.getParams().getParam("params"));
            String bench = r.getParams().getBenchmark();
            msPerOp.computeIfAbsent(n, k -> new TreeMap<>())
                    .put(bench.substring(bench.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        System.out.printf("%n%-10s %-10s %9s %8s %14s %11s%n", "params", "variant", "ms/op", "GB/s",
                "bandwidth/copy", "time copy/x");
        for (Map.Entry<Integer, Map<String, Double>> e : msPerOp.entrySet()) {
            long n = e.getKey();
            double copyMs = e.getValue().get("copy");
            double copyGbs = 8.0 * n / (copyMs * 1e6);
            for (Map.Entry<String, Double> v : e.getValue().entrySet()) {
                double bytes = v.getKey().equals("copy") ? 8.0 * n : 12.0 * n;
                double gbs = bytes / (v.getValue() * 1e6);
                System.out.printf("%-10d %-10s %9.3f %8.2f %14.2f %11.2f%n", n, v.getKey(), v.getValue(), gbs,
                        gbs / copyGbs, copyMs / v.getValue());
            }
        }
    }
}
