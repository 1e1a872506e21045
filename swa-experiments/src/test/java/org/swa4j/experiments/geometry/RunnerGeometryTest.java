package org.swa4j.experiments.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.core.BatchNormUpdate;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;

/**
 * The geometry command on a tiny run finished by the experiments runner itself ({@code swa run}):
 * at t = 0 the SGD model with its own BN statistics, the SWA model as saved (with the BN statistics
 * of its final evaluation), and at t = 1 the SWA weights with BN recomputed on the run's own BN pass,
 * must give the SGD and SWA test errors the run recorded.
 */
class RunnerGeometryTest {

    private static final String PRESET = """
            {
              "name": "tiny-geometry",
              "description": "192 training / 100 test images, cnn4, B = 2, SGD and SWA only.",
              "dataset": "fashion-mnist-embedded", "model": "cnn4", "layers": null,
              "train_limit": 192, "test_limit": 100, "augment": true, "seeds": 1, "batch_size": 32,
              "budget_epochs": 2, "lr_init": 0.05, "momentum": 0.9, "weight_decay": 0.0005,
              "methods": ["sgd", "swa"], "ema": null, "fge": null,
              "swa": {"start": 1, "lr": 0.01, "every_epochs": 1, "budgets": [1, 1.5], "schedule": "swa",
                      "cyclic_lr1": null, "cyclic_lr2": null, "keep_snapshots": true},
              "pretrained": null, "paper": null
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void lineEndsReproduceTheRecordedSgdAndSwaErrors() throws Exception {
        Path preset = tmp.resolve("tiny-geometry.json");
        Files.writeString(preset, PRESET);
        Path dir = tmp.resolve("run");
        assertEquals(0, Main.execute("run", "--preset", preset.toString(), "--out", dir.toString(), "--threads", "2"));
        ResultsDirectory results = new ResultsDirectory(dir);
        double sgd = 100 - Json.read(results.record("sgd", 1), RunRecord.class).results().get(0).accuracy();
        double swa = 100 - Json.read(results.record("swa", 1), RunRecord.class).results().stream()
                .mapToDouble(BudgetResult::accuracy).reduce((a, b) -> b).orElseThrow();

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = GeometryCommand.run(new String[] {dir.toString(), "--analyses", "distances,line", "--line-step", "0.5",
                "--no-train-metrics"}, BatchNormUpdate::run, new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(0, code, text.toString(StandardCharsets.UTF_8));
        List<String> rows = Files.readAllLines(dir.resolve("geometry/seed1/line-endpoints.csv"));
        String[] sgdRow = rows.get(1).split(",");
        String[] swaRow = rows.get(2).split(",");
        assertEquals(sgd, Double.parseDouble(sgdRow[2]), 1e-9);
        assertEquals(sgd, Double.parseDouble(sgdRow[3]), 1e-9, "SGD model as saved reproduces the recorded error");
        assertEquals(swa, Double.parseDouble(swaRow[2]), 1e-9);
        assertEquals(swa, Double.parseDouble(swaRow[3]), 1e-9, "SWA model as saved gives the recorded SWA error");
        assertEquals(swa, Double.parseDouble(swaRow[4]), 1e-9, "t = 1 with BN recomputed on the run's BN pass");
        assertTrue(Files.readString(dir.resolve("geometry.md")).contains("| SWA (t = 1) |"));

        // swa.keep_snapshots: the networks averaged after epochs 1, 2, 3; their mean is the saved SWA's weights
        Path snapshots = dir.resolve("models/swa-seed1-snapshots");
        org.deeplearning4j.nn.api.Model swaModel = ModelFiles.load(dir.resolve("models/swa-seed1.zip"));
        TrainableParameters layout = TrainableParameters.of(swaModel);
        org.nd4j.linalg.api.ndarray.INDArray sum = null;
        for (int epoch = 1; epoch <= 3; epoch++) {
            org.nd4j.linalg.api.ndarray.INDArray w = layout.read(ModelFiles.load(snapshots.resolve("epoch-" + epoch + ".zip")))
                    .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            sum = sum == null ? w.dup() : sum.addi(w);
        }
        try (var files = Files.list(snapshots)) {
            assertEquals(3, files.count(), "one snapshot per averaged epoch");
        }
        org.nd4j.linalg.api.ndarray.INDArray mean = sum.divi(3);
        org.nd4j.linalg.api.ndarray.INDArray saved = layout.read(swaModel).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        assertTrue(mean.sub(saved).amaxNumber().doubleValue() < 1e-5, "max |mean of snapshots - SWA| = "
                + mean.sub(saved).amaxNumber());
        assertTrue(Files.readString(dir.resolve("geometry.md")).contains("The 3 averaged snapshots lie"));
    }
}
