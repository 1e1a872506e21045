package org.swa4j.experiments.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.core.BatchNormUpdate;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.RunRecord;

/**
 * A tiny finished run in the layout of {@link FinishedRun}, made here: a conv+BN network trained
 * briefly on the embedded Fashion-MNIST subset (SGD), three snapshots averaged (SWA) with their BN
 * statistics recomputed as the runner does (last pass of the seed's BN stream), their test errors
 * recorded from an independent argmax count. The geometry command must reproduce both recorded
 * errors at t = 0 and t = 1.
 */
class GeometryCommandTest {

    private static final int TRAIN = 256;
    private static final int TEST = 200;

    @TempDir
    Path dir;

    private static MultiLayerNetwork tinyConvNet() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Sgd(0.05)).l2(5e-4)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).stride(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().useLogStd(false).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Test error in percent by counting argmax hits, independently of PointEvaluator. */
    private static double testError(MultiLayerNetwork net, DataSetIterator test) {
        test.reset();
        long wrong = 0;
        long n = 0;
        while (test.hasNext()) {
            DataSet b = test.next();
            INDArray p = net.output(b.getFeatures(), false);
            for (int i = 0; i < b.numExamples(); i++) {
                wrong += p.getRow(i).argMax().getInt(0) == b.getLabels().getRow(i).argMax().getInt(0) ? 0 : 1;
                n++;
            }
        }
        return 100.0 * wrong / n;
    }

    /** Writes a run record as the runner does (without the derived is-getters, which the reader rejects). */
    private void writeRecord(RunRecord r) throws Exception {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().valueToTree(r);
        node.remove(List.of("finished", "diverged"));
        Path f = dir.resolve("runs").resolve(RunRecord.fileName(r.method(), r.seed()));
        Files.createDirectories(f.getParent());
        Files.writeString(f, Json.mapper().writeValueAsString(node));
    }

    @Test
    void geometryOfAFinishedRunReproducesItsRecordedErrorsAtBothEnds() throws Exception {
        ImageDataset set = Datasets.open("fashion-mnist-embedded",
                DataOptions.builder().trainLimit(TRAIN).testLimit(TEST).build());
        EpochIterator train = set.train(64, 7, true);
        MultiLayerNetwork net = tinyConvNet();
        Path models = Files.createDirectories(dir.resolve("models"));
        Path snapshots = Files.createDirectories(models.resolve("swa-seed1-snapshots"));
        INDArray sum = null;
        TrainableParameters layout = TrainableParameters.of(net);
        for (int epoch = 0; epoch < 3; epoch++) {
            train.setEpoch(epoch + 1);
            net.fit(train);
            ModelSerializer.writeModel(net, snapshots.resolve("epoch-" + (epoch + 1) + ".zip").toFile(), false);
            INDArray w = layout.read(net);
            sum = sum == null ? w : sum.addi(w);
        }
        ModelSerializer.writeModel(net, models.resolve("sgd-seed1.zip").toFile(), false);
        double sgdError = testError(net, set.test(50));
        MultiLayerNetwork swa = net.clone();
        layout.write(sum.divi(3), swa);
        // as the runner: BN of the final average on pass (swaEpochs - 1) of the seed's BN stream
        var quick = Presets.load("quick").withSeeds(1);
        var preset = new org.swa4j.experiments.preset.Preset("tiny", "tiny", "fashion-mnist-embedded", quick.model(), null,
                TRAIN, TEST, true, 1, 64, 2, 0.05, null, 0.9, 5e-4, List.of("sgd", "swa"), null, null,
                new org.swa4j.experiments.preset.Preset.SwaOptions(1, 0.05, 1, List.of(1.0, 1.5), "swa", null, null, null), null, null);
        EpochIterator bnPass = set.train(preset.batchSize(), org.swa4j.experiments.runner.JobContext.batchNormSeed(1), true);
        bnPass.setEpoch(preset.swaEpochs() - 1);
        BatchNormUpdate.run(swa, bnPass);
        ModelSerializer.writeModel(swa, models.resolve("swa-seed1.zip").toFile(), false);
        double swaError = testError(swa, set.test(50));

        writeRecord(new RunRecord("sgd", 1, RunRecord.FINISHED, null, preset, null, List.of(),
                List.of(new BudgetResult(1.0, 2, 100 - sgdError, 0, 0))));
        writeRecord(new RunRecord("swa", 1, RunRecord.FINISHED, null, preset, null, List.of(),
                List.of(new BudgetResult(1.0, 2, 0, 0, 0), new BudgetResult(1.5, 3, 100 - swaError, 0, 0))));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = GeometryCommand.run(new String[] {dir.toString(), "--batch-size", "64", "--analyses", "distances,line,plane", "--line-step", "0.5", "--plane-grid", "3",
                "--no-train-metrics"}, BatchNormUpdate::run, new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        assertTrue(printed.contains("16 points to evaluate"), printed);

        List<String> endpoints = Files.readAllLines(dir.resolve("geometry/seed1/line-endpoints.csv"));
        assertEquals("solution,t,recorded_test_error,stored_bn_test_error,recomputed_bn_test_error", endpoints.get(0));
        String[] sgdRow = endpoints.get(1).split(",");
        String[] swaRow = endpoints.get(2).split(",");
        assertEquals(sgdError, Double.parseDouble(sgdRow[2]), 1e-9);
        assertEquals(sgdError, Double.parseDouble(sgdRow[3]), 1e-9, "SGD model as saved");
        assertEquals(swaError, Double.parseDouble(swaRow[2]), 1e-9);
        assertEquals(swaError, Double.parseDouble(swaRow[3]), 1e-9, "SWA model as saved");
        assertEquals(swaError, Double.parseDouble(swaRow[4]), 1e-9, "SWA on the line: same BN pass, same error");

        List<String> line = Files.readAllLines(dir.resolve("geometry/seed1/line.csv"));
        assertEquals(1 + 7, line.size());
        List<String> distances = Files.readAllLines(dir.resolve("geometry/seed1/distances.csv"));
        assertEquals(1 + 1 + 3, distances.size());
        assertEquals(1 + 9, Files.readAllLines(dir.resolve("geometry/seed1/plane.csv")).size());
        assertTrue(Files.size(dir.resolve("geometry/seed1/plane-test-error.png")) > 1000);
        assertTrue(Files.size(dir.resolve("geometry/seed1/line-test-error.png")) > 1000);
        String md = Files.readString(dir.resolve("geometry.md"));
        assertTrue(md.contains("geometry/seed1/line-test-error.png") && !md.contains("mismatch"), md);
        assertTrue(md.contains("data fashion-mnist-embedded (256 train / 200 test examples)"), md);

        // narrowed to 100 of the run's 200 test examples: the run's normalisation constants, no recorded errors
        Path narrow = dir.resolve("narrow");
        text.reset();
        code = GeometryCommand.run(new String[] {dir.toString(), "--out", narrow.toString(), "--test-limit", "100",
                "--batch-size", "64", "--analyses", "line", "--line-step", "0.5", "--no-train-metrics"},
                BatchNormUpdate::run, new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(0, code, text.toString(StandardCharsets.UTF_8));
        double narrowSgdError = testError(net, ((InMemoryImageDataset) set).subset(0, 100).test(50));
        String[] narrowSgd = Files.readAllLines(narrow.resolve("geometry/seed1/line-endpoints.csv")).get(1).split(",", -1);
        assertEquals("", narrowSgd[2], "the recorded error is on other test examples");
        assertEquals(narrowSgdError, Double.parseDouble(narrowSgd[3]), 1e-9);
        String narrowMd = Files.readString(narrow.resolve("geometry.md"));
        assertTrue(narrowMd.contains("(256 train / 100 test examples, a stratified subset of the run's, normalised as the run)")
                && !narrowMd.contains("mismatch"), narrowMd);

        // a limit beyond the run's, a zero limit and another normalisation are refused by name
        java.io.PrintStream err = System.err;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        try {
            for (String[] bad : List.of(new String[] {"--test-limit", "201"}, new String[] {"--train-limit", "0"},
                    new String[] {"--normalisation", "unit"})) {
                assertEquals(2, GeometryCommand.run(new String[] {dir.toString(), "--out", narrow.toString(), bad[0], bad[1]},
                        BatchNormUpdate::run, new PrintStream(text, true, StandardCharsets.UTF_8)), bad[0]);
            }
        } finally {
            System.setErr(err);
        }
        String messages = errors.toString(StandardCharsets.UTF_8);
        assertTrue(messages.contains("--test-limit 201 is larger than the run's own limit of 200"), messages);
        assertTrue(messages.contains("--train-limit 0: with a results directory it must be >= 1 (leave it out for the run's 256 examples)"), messages);
        assertTrue(messages.contains("--normalisation unit: the run was trained with default"), messages);
    }

    @Test
    void helpAndRefusals() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream stdout = new PrintStream(text, true, StandardCharsets.UTF_8);
        java.io.PrintStream err = System.err;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, GeometryCommand.run(new String[] {"--help"}, BatchNormUpdate::run, stdout));
            assertTrue(text.toString(StandardCharsets.UTF_8).contains("--line-step"));
            assertEquals(2, GeometryCommand.run(new String[] {dir.resolve("nothing").toString()}, BatchNormUpdate::run, stdout));
            assertEquals(2, GeometryCommand.run(new String[] {dir.toString(), "--analyses", "line,volume"}, BatchNormUpdate::run, stdout));
            assertEquals(2, GeometryCommand.run(new String[] {dir.toString(), "--line-step", "0.7"}, BatchNormUpdate::run, stdout));
            assertEquals(2, GeometryCommand.run(new String[] {"--sgd", "a.zip"}, BatchNormUpdate::run, stdout));
        } finally {
            System.setErr(err);
        }
        String messages = errors.toString(StandardCharsets.UTF_8);
        assertTrue(messages.contains("no run records"), messages);
        assertTrue(messages.contains("unknown analysis 'volume'"), messages);
        assertTrue(messages.contains("not a whole number of steps"), messages);
        assertTrue(messages.contains("--sgd, --swa, --data and --out are all required"), messages);
    }
}
