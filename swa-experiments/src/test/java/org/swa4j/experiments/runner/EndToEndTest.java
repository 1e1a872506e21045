package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.Summary;
import org.swa4j.experiments.train.Evaluation;

/** The tiny preset end to end: the files, their columns and the provenance of a real (small) run. */
class EndToEndTest {

    @Test
    void writesEveryFileOfAResultsDirectory() throws IOException {
        Path d = TinyRun.dir();
        for (String f : List.of("run.json", "summary.csv", "report.md", "report.html", "swa.log", "plots/test-error.png",
                "plots/learning-rate.png", "plots/accuracy-budget.png", "models/sgd-seed1.zip", "models/swa-seed1.zip",
                "models/ema-seed1.zip", "models/fge-seed1-snapshot1.zip", "models/fge-seed1-snapshot2.zip")) {
            assertTrue(Files.isRegularFile(d.resolve(f)), f + " missing");
        }
        byte[] png = Files.readAllBytes(d.resolve("plots/test-error.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        try (var s = Files.list(d.resolve("checkpoints"))) {
            assertEquals(0, s.count(), "finished jobs leave no checkpoint behind");
        }
        try (var s = Files.walk(d)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void savedModelsGiveTheRecordedTestAccuracies() throws IOException {
        Path d = TinyRun.dir();
        ResultsDirectory dir = new ResultsDirectory(d);
        ImageDataset data = Datasets.open("fashion-mnist-embedded",
                DataOptions.builder().trainLimit(192).testLimit(100).workers(1).build());
        for (String m : List.of("sgd", "ema", "swa")) {
            RunRecord r = Json.read(dir.record(m, 1), RunRecord.class);
            double recorded = r.results().stream().max(java.util.Comparator.comparingDouble(BudgetResult::budget))
                    .orElseThrow().accuracy();
            ComputationGraph saved = Checkpoints.loadNet(d.resolve("models/" + m + "-seed1.zip"));
            assertEquals(recorded, Evaluation.of(saved, data.test(JobContext.EVAL_BATCH)).accuracy(), 1e-9,
                    m + " model as saved (BN statistics of its last evaluation) gives the recorded accuracy");
        }
    }

    @Test
    void summaryHasExactlyTheColumnsAndOneRowPerMethodAndBudget() throws IOException {
        List<String> lines = Files.readAllLines(TinyRun.dir().resolve("summary.csv"));
        assertEquals("dataset,model,method,budget,n,acc_mean,acc_std,acc_ci95_low,acc_ci95_high,nll_mean,ece_mean,p_vs_sgd,"
                + "p_vs_sgd_budget1,p_paired_vs_sgd,p_paired_vs_sgd_budget1",
                lines.get(0));
        List<String> keys = lines.subList(1, lines.size()).stream().map(l -> {
            String[] f = l.split(",", -1);
            assertEquals(Summary.COLUMNS.size(), f.length, l);
            assertEquals("fashion-mnist-embedded", f[0]);
            assertEquals("cnn4", f[1]);
            assertEquals("1", f[4], "one seed");
            return f[2] + "@" + f[3];
        }).toList();
        assertEquals(List.of("sgd@1", "ema@1", "fge@1", "swa@1", "swa@1.5"), keys);
    }

    @Test
    void recordsCarryConfigurationProvenanceAndPerEpochMetrics() throws IOException {
        ResultsDirectory dir = new ResultsDirectory(TinyRun.dir());
        Map<String, Integer> epochs = Map.of("sgd", 2, "ema", 2, "fge", 1, "swa", 3);
        for (var e : epochs.entrySet()) {
            RunRecord r = Json.read(dir.record(e.getKey(), 1), RunRecord.class);
            assertEquals(RunRecord.FINISHED, r.status());
            assertNull(r.divergedEpoch());
            assertEquals("tiny", r.preset().name());
            assertEquals(192, r.preset().trainLimit());
            assertEquals(e.getValue(), r.epochs().size(), e.getKey());
            var p = r.provenance();
            assertNotNull(p);
            assertFalse(p.gitCommit().isBlank());
            assertEquals("1.0.0-M2.1", p.dl4jVersion());
            assertTrue(p.backend().contains("CpuBackend"), p.backend());
            assertTrue(p.jvm().contains("17"), p.jvm());
            assertTrue(p.os().contains("Linux"), p.os());
            assertTrue(p.cpu().contains("logical cores"), p.cpu());
            assertEquals(2, p.threads());
            assertFalse(Instant.parse(p.endTime()).isBefore(Instant.parse(p.startTime())));
            EpochMetrics last = r.epochs().get(r.epochs().size() - 1);
            assertNotNull(last.testAccuracy(), e.getKey());
            assertNotNull(last.lr(), e.getKey());
            assertEquals(last.testAccuracy(), r.results().get(r.results().size() - 1).accuracy(), 1e-12);
        }
        RunRecord swa = Json.read(dir.record("swa", 1), RunRecord.class);
        assertNull(swa.epochs().get(0).testAccuracy(), "no average before swa.start");
        assertEquals(List.of(1.0, 1.5), swa.results().stream().map(b -> b.budget()).toList());
        assertEquals(List.of(2, 3), swa.results().stream().map(b -> b.epochs()).toList());
    }

    @Test
    void logHasOneProgressLinePerEpochWithEta() throws IOException {
        List<String> log = Files.readAllLines(TinyRun.dir().resolve("swa.log"));
        long epochLines = log.stream().filter(l -> l.contains(": epoch ") && l.contains("ETA")).count();
        assertEquals(2 + 1 + 3, epochLines, String.join("\n", log));
    }
}
