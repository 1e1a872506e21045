package org.swa4j.experiments.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
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
import org.swa4j.core.BatchNormUpdate;
import org.swa4j.models.Models;
import org.swa4j.models.layers.LayerFactories;

/**
 * How much does BatchNorm recalibration ({@link BatchNormUpdate#run}) cost compared with one
 * inference pass over the same data?
 *
 * <p>Problem: SWA must recompute BatchNorm statistics before every evaluation of the average. The
 * baseline is {@code inference}: {@code output(x, false)} for every batch of the data set. The
 * measured variant is {@code bnUpdate}: one {@link BatchNormUpdate#run} over the same batches (a
 * training-mode forward pass up to the last BatchNorm layer plus per-channel moments). Target:
 * time(bnUpdate) / time(inference) &lt;= 1.5.
 *
 * <p>Networks ({@code @Param network}), input 3x32x32:
 * <ul>
 *   <li>{@code small-cnn}: a MultiLayerNetwork of stock DL4J layers with four BatchNorm layers: conv 3x3
 *       (32) - BN - relu - conv 3x3 (32) - BN - relu - maxpool 2 - conv 3x3 (64) - BN - relu - maxpool 2
 *       - dense 128 - BN - softmax 10;</li>
 *   <li>{@code preresnet20-stock}: the ComputationGraph PreResNet-20 of swa-models, stock layers (19
 *       BatchNorm layers);</li>
 *   <li>{@code preresnet20-fused}: the same model with swa4j's default fused layers (BN-ReLU), which
 *       report their moments after their own forward pass ({@code FusedBatchNorm.lastBatchMoments});</li>
 *   <li>{@code cnn32-fused}: the swa-models cnn32 with the fused layers (conv-BN-ReLU, whose
 *       normalised values are not an activation of the graph).</li>
 * </ul>
 * Data: {@code batches} seeded random batches of 32 images (stock DL4J convolutions are slow on the
 * 2-core machine, so the data set is kept small). The tear-down checks that the recomputed
 * statistics are finite and, for {@code small-cnn}, that every BN layer's mean is the mean of its
 * input over the data (recomputed directly from {@code feedForward}).
 *
 * <p>Both variants are timed in steady state: DL4J keeps its inference workspaces with the thread
 * and {@link BatchNormUpdate} keeps its own, so after the first call neither allocates. The first
 * update on a thread sizes its workspace on its first batch, which then costs what a pass without
 * workspaces costs (docs/batchnorm-update.md).
 *
 * <p>How to run (after {@code mvn -B -q -DskipTests package}):
 * <pre>
 *   java -Djavacpp.platform.extension=-onednn-avx2 \
 *     -cp swa-experiments/target/swa-experiments-0.1.0-SNAPSHOT.jar:$(cat swa-experiments/target/classpath.txt) \
 *     org.openjdk.jmh.Main BatchNormUpdateBenchmark -f 1 -wi 2 -i 3
 * </pre>
 * or run this class's {@code main} for the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Djavacpp.platform.extension=-onednn-avx2")
public class BatchNormUpdateBenchmark {

    static final int BATCH_SIZE = 32;
    static final int[] BN_LAYERS = {1, 4, 8, 12};

    @Param({"small-cnn", "preresnet20-stock", "preresnet20-fused", "cnn32-fused"})
    public String network;

    @Param({"4"})
    public int batches;

    private Model net;
    private List<DataSet> data;
    private ExistingDataSetIterator iterator;

    /** The benchmark network (seeded). */
    static MultiLayerNetwork network() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.05, 0.9)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).padding(1, 1).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU))
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).padding(1, 1).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).padding(1, 1).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(128).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(32, 32, 3))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Setup(Level.Trial)
    public void setUp() {
        net = switch (network) {
            case "small-cnn" -> network();
            case "preresnet20-stock" -> Models.create("preresnet20", 10, 3, 32, 32, 7, LayerFactories.byName("stock"));
            case "preresnet20-fused" -> Models.create("preresnet20", 10, 3, 32, 32, 7, LayerFactories.byName("fused"));
            case "cnn32-fused" -> Models.create("cnn32", 10, 3, 32, 32, 7, LayerFactories.byName("fused"));
            default -> throw new IllegalArgumentException("network must be small-cnn, preresnet20-stock, "
                    + "preresnet20-fused or cnn32-fused, got " + network);
        };
        if (batches < 1) {
            throw new IllegalArgumentException("batches must be >= 1, got " + batches);
        }
        Nd4j.getRandom().setSeed(11);
        data = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, BATCH_SIZE, 3, 32, 32);
            data.add(new DataSet(x, Nd4j.zeros(DataType.FLOAT, BATCH_SIZE, 10)));
        }
        iterator = new ExistingDataSetIterator(data);
    }

    @Benchmark
    public double inference() {
        double s = 0;
        for (DataSet b : data) {
            INDArray out = net instanceof MultiLayerNetwork mln
                    ? mln.output(b.getFeatures(), false)
                    : ((ComputationGraph) net).outputSingle(false, b.getFeatures());
            s += out.getDouble(0, 0);
        }
        return s;
    }

    @Benchmark
    public INDArray bnUpdate() {
        BatchNormUpdate.run(net, iterator);
        return net.params();
    }

    @TearDown(Level.Trial)
    public void check() {
        for (double v : net.params().toDoubleVector()) {
            if (!Double.isFinite(v)) {
                throw new IllegalStateException("non-finite parameter after BatchNormUpdate: " + v);
            }
        }
        if (!(net instanceof MultiLayerNetwork mln)
                || mln.getLayer(BN_LAYERS[0]).getParam("mean").sumNumber().doubleValue() == 0) {
            return; // the graphs are checked by the tests; or bnUpdate did not run in this trial
        }
        INDArray[] sums = new INDArray[BN_LAYERS.length];
        for (DataSet b : data) {
            List<INDArray> acts = mln.feedForward(b.getFeatures(), true);
            for (int k = 0; k < BN_LAYERS.length; k++) {
                INDArray in = acts.get(BN_LAYERS[k]);
                INDArray m = in.rank() == 4 ? in.mean(0, 2, 3) : in.mean(0);
                sums[k] = sums[k] == null ? m : sums[k].addi(m);
            }
        }
        for (int k = 0; k < BN_LAYERS.length; k++) {
            INDArray expected = sums[k].divi(batches).reshape(-1);
            INDArray actual = mln.getLayer(BN_LAYERS[k]).getParam("mean").reshape(-1);
            if (!expected.equalsWithEps(actual, 1e-3)) {
                throw new IllegalStateException("BN layer " + BN_LAYERS[k] + " mean " + actual + " != direct " + expected);
            }
        }
    }

    /** Runs the benchmark and prints the ratio of a BatchNorm update to one inference pass. */
    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(BatchNormUpdateBenchmark.class.getName()).build()).run();
        Map<String, Double> msPerOp = new TreeMap<>();
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            msPerOp.put(r.getParams().getParam("network") + " " + bench.substring(bench.lastIndexOf('.') + 1),
                    r.getPrimaryResult().getScore());
        }
        for (String net : results.stream().map(r -> r.getParams().getParam("network")).distinct().toList()) {
            Double inference = msPerOp.get(net + " inference");
            Double update = msPerOp.get(net + " bnUpdate");
            if (inference != null && update != null) {
                System.out.printf("%s: inference %.1f ms, bnUpdate %.1f ms: ratio %.2f (target <= 1.5)%n",
                        net, inference, update, update / inference);
            }
        }
    }
}
