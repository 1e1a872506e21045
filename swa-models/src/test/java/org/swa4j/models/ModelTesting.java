package org.swa4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.swa4j.models.graph.GraphAssembler;
import org.swa4j.models.layers.LayerFactories;

/** Shared checks for the model tests: gradient checks of tiny graphs, serialisation round trips. */
public final class ModelTesting {

    /** Double-precision settings for gradient checks. */
    public static final BuildSettings DOUBLE = new BuildSettings(LayerFactories.defaultFactory(), 42, DataType.DOUBLE);

    private ModelTesting() {
    }

    /**
     * The configuration input -> {@code body} -> global average pool -> softmax(3), in double
     * precision, for gradient checks of one block type. {@code body} adds the block under test and
     * returns {@code [outputVertexName, outputChannels]}.
     */
    public static ComputationGraphConfiguration tinyGraph(InputShape input,
                                                          BiFunction<GraphAssembler, String, Object[]> body) {
        GraphAssembler g = new GraphAssembler(DOUBLE, input);
        Object[] out = body.apply(g, GraphAssembler.INPUT);
        String gap = g.layer("gap", g.layers().globalAvgPool(), (String) out[0]);
        return g.classifier(gap, (Integer) out[1], 3);
    }

    /**
     * Initialises {@code conf} with a no-op updater (GradientCheckUtil requires one) and asserts
     * that analytic and numeric gradients agree in double precision; returns the graph.
     */
    public static ComputationGraph assertGradientsMatch(ComputationGraphConfiguration conf, InputShape input) {
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer layer) {
                layer.setIUpdater(new NoOp());
            }
        }
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        assertGradientsMatch(graph, input);
        return graph;
    }

    /**
     * Asserts that the analytic gradients of {@code graph} (double precision) agree with central
     * differences {@code (L(w + h) - L(w - h)) / 2h}, h = 1e-6, on 4 random examples: relative error
     * {@code |a - n| / (|a| + |n|)} at most 1e-3 unless {@code |a - n| < 1e-8} (DL4J's criteria).
     *
     * <p>Up to {@value #MAX_CHECKS_PER_PARAM} seeded entries per parameter array are checked; BN
     * running statistics are skipped (DL4J hands them a pseudo-gradient). DL4J's own
     * {@code GradientCheckUtil} is used as well where it is reliable: with {@code excludeParams} it
     * names parameters in {@code paramTable()} order but perturbs them in topological order, which
     * differ in graphs with branches (M2.1), so there it perturbs the wrong entries.
     */
    public static void assertGradientsMatch(ComputationGraph graph, InputShape input) {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            centralDifferences(graph, input);
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    /** DL4J's GradientCheckUtil on a graph without branches (where its bookkeeping is right). */
    public static void assertGradientCheckUtilPasses(ComputationGraph graph, InputShape input) {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            INDArray[] data = examples(input);
            Set<String> runningStatistics = graph.paramTable().keySet().stream()
                    .filter(ModelTesting::isRunningStatistic).collect(Collectors.toSet());
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                    .net(graph).inputs(new INDArray[] {data[0]}).labels(new INDArray[] {data[1]})
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                    .excludeParams(runningStatistics));
            assertTrue(ok, "GradientCheckUtil failed");
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    private static final int MAX_CHECKS_PER_PARAM = 5;

    private static boolean isRunningStatistic(String key) {
        return key.endsWith("_mean") || key.endsWith("_var") || key.endsWith("_log10stdev");
    }

    private static INDArray[] examples(InputShape input) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, input.channels(), input.height(), input.width()).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        for (int i = 0; i < 4; i++) {
            labels.putScalar(i, i % 3, 1.0);
        }
        return new INDArray[] {x, labels};
    }

    private static void centralDifferences(ComputationGraph graph, InputShape input) {
        INDArray[] data = examples(input);
        DataSet batch = new DataSet(data[0], data[1]);
        graph.setInputs(data[0]);
        graph.setLabels(data[1]);
        graph.computeGradientAndScore();
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        // DL4J's gradients are sums over the minibatch; its updater divides by the batch size.
        long batchSize = data[0].size(0);
        graph.gradient().gradientForVariable().forEach((k, v) -> analytic.put(k, v.div(batchSize)));
        double h = 1e-6;
        SplittableRandom pick = new SplittableRandom(3);
        int checked = 0;
        for (Map.Entry<String, INDArray> e : graph.paramTable().entrySet()) {
            if (isRunningStatistic(e.getKey())) {
                continue;
            }
            INDArray w = e.getValue();
            INDArray g = analytic.get(e.getKey());
            long n = w.length();
            for (int c = 0; c < Math.min(n, MAX_CHECKS_PER_PARAM); c++) {
                long i = n <= MAX_CHECKS_PER_PARAM ? c : pick.nextLong(n);
                double original = w.getDouble(i);
                w.putScalar(i, original + h);
                double plus = graph.score(batch, true);
                w.putScalar(i, original - h);
                double minus = graph.score(batch, true);
                w.putScalar(i, original);
                double numeric = (plus - minus) / (2 * h);
                double a = g.getDouble(i);
                double abs = Math.abs(a - numeric);
                double rel = abs / (Math.abs(a) + Math.abs(numeric));
                assertTrue(abs < 1e-8 || rel <= 1e-3, e.getKey() + "[" + i + "]: analytic " + a + ", numeric "
                        + numeric + ", relative error " + rel);
                checked++;
            }
        }
        assertTrue(checked > 0, "no parameters checked");
    }

    /** Saves and reloads {@code graph} with ModelSerializer; asserts identical predictions. */
    public static ComputationGraph assertRoundTrip(ComputationGraph graph, INDArray x) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ModelSerializer.writeModel(graph, bytes, true);
            ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
            assertSameModel(graph, back, x);
            return back;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that {@code back} (a reloaded copy of {@code original}) has the same configuration,
     * exactly the same parameters (same data type, every entry equal) and exactly the same
     * inference output on {@code x}.
     */
    public static void assertSameModel(ComputationGraph original, ComputationGraph back, INDArray x) {
        assertEquals(original.getConfiguration().toJson(), back.getConfiguration().toJson());
        // Exactly: INDArray.equals allows a difference of 1e-5 per entry.
        assertEquals(original.params().dataType(), back.params().dataType());
        assertArrayEquals(original.params().toDoubleVector(), back.params().toDoubleVector(), 0.0);
        INDArray before = original.outputSingle(false, x);
        INDArray after = back.outputSingle(false, x);
        assertEquals(x.size(0), before.size(0));
        assertArrayEquals(before.data().asDouble(), after.data().asDouble(), 0.0);
    }

    /** Asserts that {@code conf} maps a batch of 2 images to [2, numClasses] probabilities. */
    public static void assertOutputShape(ComputationGraphConfiguration conf, InputShape input, int numClasses) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray out = graph.outputSingle(false, randomImages(2, input, 1));
        assertArrayEquals(new long[] {2, numClasses}, out.shape());
        assertEquals(2.0, out.sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1");
    }

    /** {@code n} seeded uniform [0, 1) images of shape {@code input}, float. */
    public static INDArray randomImages(int n, InputShape input, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, input.channels(), input.height(), input.width());
    }
}
