package org.swa4j.experiments.posthoc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.experiments.geometry.ModelFiles;
import org.swa4j.experiments.geometry.TestNetworks;

class AverageCommandTest {

    @TempDir
    Path dir;

    private Path save(Model net, String name) throws Exception {
        Path file = dir.resolve(name);
        ModelSerializer.writeModel(net, file.toFile(), true);
        return file;
    }

    private static Map<String, INDArray> table(Model net) {
        return net instanceof MultiLayerNetwork m ? m.paramTable() : ((ComputationGraph) net).paramTable();
    }

    private static boolean isStatistic(String key) {
        return key.endsWith("_mean") || key.endsWith("_var") || key.endsWith("_log10stdev");
    }

    @Test
    void averageOfCopiesIsTheModel() throws Exception {
        MultiLayerNetwork net = TestNetworks.convWithBatchNorm(5);
        net.getLayer(1).getParam("mean").assign(0.7);
        Path a = save(net, "a.zip");
        Path b = save(net, "b.zip");
        Path c = save(net, "c.zip");
        Model avg = CheckpointAverage.of(List.of(a, b, c));
        assertArrayEquals(net.params().toFloatVector(), avg.params().toFloatVector(), 0f);
        INDArray x = TestNetworks.data(8, new long[] {1, 6, 6}, 3, 3).getFeatures();
        assertArrayEquals(net.output(x).ravel().toFloatVector(), ((MultiLayerNetwork) avg).output(x).ravel().toFloatVector(), 0f);
    }

    @Test
    void averageOfTwoIsTheirMeanOutsideBatchNormStatistics() throws Exception {
        for (boolean graph : new boolean[] {false, true}) {
            Model a = graph ? TestNetworks.graphWithBatchNorm(1) : TestNetworks.convWithBatchNorm(1);
            Model b = graph ? TestNetworks.graphWithBatchNorm(2) : TestNetworks.convWithBatchNorm(2);
            table(a).forEach((k, v) -> { if (isStatistic(k)) v.assign(0.25); });
            table(b).forEach((k, v) -> { if (isStatistic(k)) v.assign(4.0); });
            Model avg = CheckpointAverage.of(List.of(save(a, "a" + graph + ".zip"), save(b, "b" + graph + ".zip")));
            assertEquals(graph, avg instanceof ComputationGraph);
            Map<String, INDArray> ta = table(a);
            Map<String, INDArray> tb = table(b);
            int checked = 0;
            for (Map.Entry<String, INDArray> e : table(avg).entrySet()) {
                float[] x = ta.get(e.getKey()).ravel().toFloatVector();
                float[] y = tb.get(e.getKey()).ravel().toFloatVector();
                float[] got = e.getValue().ravel().toFloatVector();
                for (int i = 0; i < got.length; i++) {
                    float expected = isStatistic(e.getKey()) ? x[i] : (x[i] + y[i]) / 2;
                    assertEquals(expected, got[i], 1e-6, e.getKey() + "[" + i + "] graph=" + graph);
                }
                checked++;
            }
            assertTrue(checked >= 6);
        }
    }

    @Test
    void differentArchitecturesAndUnreadableFilesAreRefusedByName() throws Exception {
        Path conv = save(TestNetworks.convWithBatchNorm(1), "conv.zip");
        Path wider = save(TestNetworks.softmaxRegression(4, 3, 0, 1), "softmax.zip");
        Path graph = save(TestNetworks.graphWithBatchNorm(1), "graph.zip");
        Path garbage = dir.resolve("garbage.zip");
        Files.writeString(garbage, "not a model");
        Path missing = dir.resolve("missing.zip");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointAverage.of(List.of(conv, wider)));
        assertTrue(e.getMessage().contains("softmax.zip") && e.getMessage().contains("layers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CheckpointAverage.of(List.of(conv, graph)));
        assertTrue(e.getMessage().contains("graph.zip") && e.getMessage().contains("ComputationGraph"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CheckpointAverage.of(List.of(conv, garbage)));
        assertTrue(e.getMessage().contains("garbage.zip"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CheckpointAverage.of(List.of(missing, conv)));
        assertTrue(e.getMessage().contains("missing.zip"), e.getMessage());

        MultiLayerNetwork otherWidth = TestNetworks.softmaxRegression(5, 3, 0, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointAverage.of(List.of(wider, save(otherWidth, "softmax5.zip"))));
        assertTrue(e.getMessage().contains("softmax5.zip") && e.getMessage().contains("[5, 3]"), e.getMessage());
    }

    /** Softmax regression on 1x28x28 images, 10 classes. */
    private static MultiLayerNetwork imageSoftmax(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void commandWritesTheAverageAndPrintsItsTestAccuracy() throws Exception {
        Path a = save(imageSoftmax(1), "a.zip");
        Path b = save(imageSoftmax(2), "b.zip");
        Path out = dir.resolve("avg.zip");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = AverageCommand.run(new String[] {a.toString(), b.toString(), "--out", out.toString(),
                "--test-data", "fashion-mnist-embedded", "--test-limit", "300"},
                (net, data) -> { throw new AssertionError("no BN layers"); }, new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        MultiLayerNetwork written = (MultiLayerNetwork) ModelFiles.load(out);
        INDArray expected = imageSoftmax(1).params().add(imageSoftmax(2).params()).divi(2);
        assertArrayEquals(expected.toFloatVector(), written.params().toFloatVector(), 1e-6f);

        var test = Datasets.open("fashion-mnist-embedded", DataOptions.builder().testLimit(300).build()).test(100);
        long correct = 0;
        long n = 0;
        while (test.hasNext()) {
            DataSet batch = test.next();
            INDArray p = written.output(batch.getFeatures());
            for (int i = 0; i < batch.numExamples(); i++) {
                correct += p.getRow(i).argMax().getInt(0) == batch.getLabels().getRow(i).argMax().getInt(0) ? 1 : 0;
                n++;
            }
        }
        assertEquals(300, n);
        String accuracy = String.format("%.2f%%", 100.0 * correct / n);
        assertTrue(printed.contains("test accuracy on fashion-mnist-embedded: " + accuracy), printed + " expected " + accuracy);
    }

    @Test
    void commandRefusesBatchNormModelsWithoutBnDataAndAnOutputThatIsAnInput() throws Exception {
        Path a = save(TestNetworks.convWithBatchNorm(1), "a.zip");
        Path b = save(TestNetworks.convWithBatchNorm(2), "b.zip");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream stdout = new PrintStream(text, true, StandardCharsets.UTF_8);
        assertEquals(2, AverageCommand.run(new String[] {a.toString(), b.toString(), "--out", dir.resolve("o.zip").toString()},
                (net, data) -> { }, stdout));
        assertFalse(Files.exists(dir.resolve("o.zip")));
        assertEquals(2, AverageCommand.run(new String[] {a.toString(), b.toString(), "--out", a.toString()}, (net, data) -> { }, stdout));
        assertEquals(0, AverageCommand.run(new String[] {"--help"}, (net, data) -> { }, stdout));
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("--bn-data"));
    }
}
