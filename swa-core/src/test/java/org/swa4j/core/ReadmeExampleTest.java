package org.swa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.swa4j.core.schedule.SwaSchedule;

/** The README's usage example, kept compiling and running, and identical to the README's block. */
class ReadmeExampleTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCE = Path.of("src", "test", "java", "org", "swa4j", "core",
            "ReadmeExampleTest.java");

    @Test
    void readmeShowsExactlyTheCodeThisTestRuns() throws IOException {
        assertSameBlock("readme-example", "README example");
        assertSameBlock("readme-swag", "README SWAG example");
    }

    private static void assertSameBlock(String readmeMarker, String testMarker) throws IOException {
        assertTrue(Files.isRegularFile(README), "README not found at " + README.toAbsolutePath());
        List<String> readme = between(Files.readAllLines(README),
                "<!-- " + readmeMarker + ":begin -->", "<!-- " + readmeMarker + ":end -->");
        List<String> test = between(Files.readAllLines(SOURCE),
                "// --- " + testMarker + " begins ---", "// --- " + testMarker + " ends ---");
        readme = readme.stream().filter(line -> !line.startsWith("```")).collect(Collectors.toList());
        assertEquals(test, readme, "README.md's " + readmeMarker + " block differs from ReadmeExampleTest");
    }

    /** The trimmed, non-blank lines strictly between the first lines equal to the two markers. */
    private static List<String> between(List<String> lines, String begin, String end) {
        List<String> trimmed = lines.stream().map(String::trim).collect(Collectors.toList());
        int from = trimmed.indexOf(begin);
        int to = trimmed.indexOf(end);
        assertTrue(from >= 0 && to > from, "markers '" + begin + "' ... '" + end + "' not found");
        return trimmed.subList(from + 1, to).stream().filter(line -> !line.isEmpty())
                .collect(Collectors.toList());
    }

    @Test
    void addSwaToAnExistingTrainingLoop() {
        List<DataSet> batches = TestNets.batches(1, 16, 16, 16);
        DataSetIterator train = TestNets.iterator(batches);
        INDArray features = batches.get(0).getFeatures();

        // --- README example begins ---
        int epochs = 6;
        int swaStart = 4;     // average after epochs 4, 5, 6 (1-based, as in the paper's code)
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .updater(new Nesterovs(new SwaSchedule(0.05, 0.01, swaStart, epochs), 0.9))
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        AveragedModel<MultiLayerNetwork> swa = AveragedModel.swa(net); // 1. keep a running average
        net.addListeners(AveragingListener.swa(swa, swaStart, 1));   // 2. fold in after each epoch >= swaStart
        net.fit(train, epochs);
        BatchNormUpdate.run(swa.model(), train);                     // 3. recompute BN statistics
        INDArray probabilities = swa.model().output(features);        // the averaged network, typed
        // --- README example ends ---

        assertEquals(3, swa.count());
        assertEquals(features.size(0), probabilities.size(0));
        for (int i = 0; i < probabilities.size(0); i++) {
            assertEquals(1.0, probabilities.getRow(i).sumNumber().doubleValue(), 1e-5);
        }
    }

    @Test
    void addSwagAndItsBayesianAverage(@TempDir Path dir) throws IOException {
        List<DataSet> batches = TestNets.batches(2, 16, 16, 16);
        DataSetIterator train = TestNets.iterator(batches);
        DataSetIterator test = TestNets.iterator(TestNets.batches(3, 10));
        int epochs = 5;
        int swaStart = 3;
        MultiLayerNetwork net = TestNets.mln(4);

        // --- README SWAG example begins ---
        Swag<MultiLayerNetwork> swag = Swag.lowRank(net);           // K = 20 deviations; Swag.diagonal(net) keeps none
        net.addListeners(swag.collector(new AveragingListener.Trigger.EpochsFrom(swaStart, 1)));
        net.fit(train, epochs);                                     // collects after epochs 3, 4, 5, as SWA averages
        INDArray p = BayesianAverage.predict(swag, new SplittableRandom(1), train, test); // 30 samples, BN update each
        MultiLayerNetwork one = swag.sample(new SplittableRandom(2), swag.newNetwork());  // or draw one yourself
        BatchNormUpdate.run(one, train);
        swag.save(dir.resolve("swag.state"));                        // exact: swag.restore(file) resumes bit for bit
        // --- README SWAG example ends ---

        assertEquals(3, swag.count());
        assertEquals(10, p.size(0));
        for (int i = 0; i < p.size(0); i++) {
            assertEquals(1.0, p.getRow(i).sumNumber().doubleValue(), 1e-5);
        }
        assertTrue(Files.isRegularFile(dir.resolve("swag.state")));
    }
}
