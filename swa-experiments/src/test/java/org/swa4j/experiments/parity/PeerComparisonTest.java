package org.swa4j.experiments.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.ResultsFormat;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.SwagProvenance;
import org.swa4j.experiments.runner.RunOptions;

/**
 * {@code swa parity} and the report's parity section on results directories written here: rows per
 * method and budget with the values of {@link WelchComparison}, methods on one side only reported,
 * and every refusal naming its cause.
 */
class PeerComparisonTest {

    @TempDir
    Path tmp;

    private static Provenance provenance(String backend) {
        return new Provenance("abc", "0.1.0-SNAPSHOT", "1.0.0-M2.1", backend, "jvm", "Linux", "cpu", 2, "fused",
                "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z");
    }

    /** The training loss the records below give epoch {@code epoch} of a run whose budget-1 accuracy is {@code acc}. */
    private static double trainLoss(double acc, int epoch) {
        return 3.0 - acc / 50 + 0.001 * epoch;
    }

    /**
     * A results directory of preset p with one record per (method, seed, accuracies at budgets 1 / 1.25), epoch rows
     * with {@link #trainLoss} (none for MultiSWAG, which trains nothing of its own).
     */
    private Path dir(String name, Preset p, String backend, Integer format, Map<String, double[]> accuracies) throws IOException {
        ResultsDirectory d = new ResultsDirectory(tmp.resolve(name));
        Json.write(d.runOptions(), new RunOptions(p, null, false, 2, "0/1", "test", format));
        for (var e : accuracies.entrySet()) {
            String method = e.getKey();
            for (int s = 0; s < e.getValue().length; s++) {
                double acc = e.getValue()[s];
                List<BudgetResult> results = new ArrayList<>();
                if (Double.isNaN(acc)) {
                    Json.write(d.record(method, s + 1), new RunRecord(method, s + 1, RunRecord.DIVERGED, 2, p,
                            provenance(backend), List.of(), List.of()));
                    continue;
                }
                results.add(new BudgetResult(1.0, 6, acc, acc / 200, 2.0));
                if (method.equals("swa")) {
                    results.add(new BudgetResult(1.25, 8, acc + 1, acc / 210, 2.0));
                }
                List<EpochMetrics> rows = new ArrayList<>();
                for (int epoch = 1; epoch <= (method.equals("multiswag") ? 0 : method.equals("swa") ? 8 : 6); epoch++) {
                    rows.add(new EpochMetrics(epoch, 0.05, trainLoss(acc, epoch), 90.0, null, null, null, 1.0, 10L));
                }
                int seeds = e.getValue().length;
                SwagProvenance mixture = method.equals("multiswag") // seed k mixes seeds k and k + 1 (cyclic): shared runs
                        ? new SwagProvenance(new Preset.SwagOptions(2, 0.5, 2, 2, List.of(1.0)), "test", null,
                                List.of(s + 1, (s + 1) % seeds + 1), "test") : null;
                Json.write(d.record(method, s + 1), new RunRecord(method, s + 1, RunRecord.FINISHED, null, p,
                        provenance(backend), rows, results, mixture));
            }
        }
        return d.root();
    }

    private Path swa4j(Preset p) throws IOException {
        return dir("swa4j", p, "CpuBackend (oneDNN)", ResultsFormat.CURRENT, Map.of("sgd", new double[] {81.0, 82.0, 80.5},
                "swa", new double[] {82.0, 82.5, 81.5}, "fge", new double[] {80.0, 81.0, 80.2}, "multiswag", new double[] {80.0, 80.4, 80.8}));
    }

    private Path peer(String name, Preset p, Map<String, double[]> accuracies) throws IOException {
        return dir(name, p, "PyTorch 1.13.0a0 CPU", ResultsFormat.CURRENT, accuracies);
    }

    @Test
    void rowsPerMethodAndBudgetWithMethodsOnOneSideReported() throws Exception {
        Preset p = Presets.load("quick");
        Path a = swa4j(p);
        Path b = peer("peer", p.withSeeds(4).withLayers("stock"), Map.of("sgd", new double[] {80.0, 81.5, 80.9, 81.1},
                "swa", new double[] {81.9, 82.2, 81.0, Double.NaN}, "ema", new double[] {80.7, 80.9},
                "multiswag", new double[] {79.9, 80.3}));
        PeerComparison.Result r = PeerComparison.compare(a, b);
        Map<String, ParityRow> rows = PeerComparison.byKey(r.rows());
        assertEquals(List.of("sgd 1", "ema 1", "fge 1", "swa 1", "swa 1.25", "multiswag 1"),
                r.rows().stream().map(x -> x.method() + " " + PeerComparison.budget(x.budget())).toList());

        ParityRow sgd = rows.get("sgd 1");
        WelchComparison expected = WelchComparison.of(new double[] {81.0, 82.0, 80.5}, new double[] {80.0, 81.5, 80.9, 81.1});
        assertEquals(expected, sgd.accuracy());
        assertEquals(81.1667 - 80.875, sgd.accuracy().difference(), 1e-4);
        assertEquals(WelchComparison.of(new double[] {81.0 / 200, 82.0 / 200, 80.5 / 200},
                new double[] {80.0 / 200, 81.5 / 200, 80.9 / 200, 81.1 / 200}), sgd.nll());
        assertEquals("", sgd.note());
        assertEquals(WelchComparison.of(new double[] {trainLoss(81.0, 6), trainLoss(82.0, 6), trainLoss(80.5, 6)},
                new double[] {trainLoss(80.0, 6), trainLoss(81.5, 6), trainLoss(80.9, 6), trainLoss(81.1, 6)}), sgd.trainLoss());
        assertEquals(trainLoss(82.0, 8) - trainLoss(81.7, 8), rows.get("swa 1.25").trainLoss().difference(), 1e-12,
                "SWA at 1.25 budgets: the loss of epoch 8, its last");
        assertEquals(3, rows.get("swa 1.25").trainLoss().nB(), "the diverged PyTorch run is left out");

        assertEquals(3, rows.get("swa 1").accuracy().nB(), "the diverged PyTorch run is left out");
        assertEquals("1 PyTorch run(s) diverged, left out", rows.get("swa 1").note());

        ParityRow mixture = rows.get("multiswag 1");
        assertEquals((80.0 + 80.4 + 80.8) / 3 - (79.9 + 80.3) / 2, mixture.accuracy().difference(), 1e-9);
        assertTrue(Double.isNaN(mixture.accuracy().p()) && Double.isNaN(mixture.accuracy().ci95Low())
                && Double.isNaN(mixture.nll().p()), "MultiSWAG's results are not independent: no test");
        assertEquals(0, mixture.trainLoss().nA() + mixture.trainLoss().nB(), "MultiSWAG trains nothing of its own");
        assertEquals(PeerComparison.MIXTURE_NOTE, mixture.note());
        assertEquals(83.0, rows.get("swa 1.25").accuracy().meanA(), 1e-12);

        assertEquals(0, rows.get("fge 1").accuracy().nB());
        assertEquals("only in swa4j", rows.get("fge 1").note());
        assertEquals(0, rows.get("ema 1").accuracy().nA());
        assertEquals("only in PyTorch", rows.get("ema 1").note());

        String csv = ParityFiles.csv(r.rows());
        assertTrue(csv.startsWith(ParityFiles.HEADER + "\nsgd,1,accuracy,3,81.1667,0.7638,4,80.8750,0.6344,0.2917,"), csv);
        assertTrue(csv.contains("\nfge,1,accuracy,3,80.4000,0.5292,0,,,,,,,,\"only in swa4j\"\n"), csv);
        String md = ParityFiles.markdown(r);
        assertTrue(md.startsWith("## PyTorch parity"), md);
        assertTrue(md.contains("| SGD | 1 | 3 / 4 | 81.17 ± 0.76 | 80.88 ± 0.63 | +0.29 ["), md);
        assertTrue(md.contains("FGE at budget 1: only in swa4j."), md);
        assertTrue(csv.contains(String.format(java.util.Locale.ROOT, "\nsgd,1,train_loss,3,%.5f,", (trainLoss(81.0, 6)
                + trainLoss(82.0, 6) + trainLoss(80.5, 6)) / 3)), csv);
        assertTrue(md.contains("| method | budget | n swa4j / PyTorch | train loss swa4j | train loss PyTorch | Δ [95% CI] | p |"), md);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "| SWA | 1.25 | 3 / 3 | %.4f ± ", (trainLoss(82.0, 8)
                + trainLoss(82.5, 8) + trainLoss(81.5, 8)) / 3)), md);
    }

    @Test
    void refusesDifferentPresetsNamingEveryDifference() throws Exception {
        Preset p = Presets.load("quick");
        Path a = swa4j(p);
        Path b = peer("peer", p.withBudget(3), Map.of("sgd", new double[] {80.0, 81.0}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerComparison.compare(a, b));
        assertTrue(e.getMessage().contains("budget_epochs: 6 vs 3"), e.getMessage());
        assertTrue(e.getMessage().contains("swa.start: 5 vs 3"), e.getMessage());
        assertFalse(e.getMessage().contains("seeds"), e.getMessage());
        assertEquals(List.of("lr_init: 0.05 vs 0.1"), PeerComparison.presetDifferences(p, new Preset(p.name(), "other", p.dataset(),
                p.model(), "stock", p.trainLimit(), p.testLimit(), p.augment(), 9, p.batchSize(), p.budgetEpochs(), 0.1,
                p.lrSchedule(), p.momentum(), p.weightDecay(), List.of("sgd"), p.ema(), p.fge(), p.swa(), p.pretrained(), p.paper())));
    }

    @Test
    void refusesMissingDirectoriesOtherFormatsAndSwappedSides() throws Exception {
        Preset p = Presets.load("quick");
        Path a = swa4j(p);
        Path missing = tmp.resolve("nowhere");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerComparison.compare(a, missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(IllegalArgumentException.class, () -> PeerComparison.compare(empty, a));
        assertTrue(e.getMessage().contains("is not a results directory") && e.getMessage().contains("run.json"), e.getMessage());

        Path old = dir("old", p, "PyTorch 1.13.0a0 CPU", null, Map.of("sgd", new double[] {80.0, 81.0}));
        e = assertThrows(IllegalArgumentException.class, () -> PeerComparison.compare(a, old));
        assertTrue(e.getMessage().contains("results formats differ: 2 in " + a + ", 1 in " + old), e.getMessage());

        Path b = peer("peer", p, Map.of("sgd", new double[] {80.0, 81.0}));
        e = assertThrows(IllegalArgumentException.class, () -> PeerComparison.compare(b, a));
        assertTrue(e.getMessage().contains("give swa4j's directory first"), e.getMessage());
    }

    @Test
    void commandWritesCsvAndSectionAndReportIncludesThePeerFolder() throws Exception {
        Preset p = Presets.load("quick");
        Path a = swa4j(p);
        Path b = peer("peer", p, Map.of("sgd", new double[] {80.0, 81.5, 80.9}, "swa", new double[] {81.9, 82.2, 81.0},
                "fge", new double[] {80.1, 80.3, 80.2}));
        Path prefix = tmp.resolve("out/cmp");
        Files.createDirectories(prefix.getParent());
        TestOutput.Result r = TestOutput.execute("parity", a.toString(), b.toString(), "--out", prefix.toString());
        assertEquals(0, r.exitCode(), r.text());
        assertTrue(Files.readString(tmp.resolve("out/cmp.csv")).startsWith(ParityFiles.HEADER), r.text());
        assertTrue(Files.readString(tmp.resolve("out/cmp.md")).contains("| SWA | 1.25 | 3 / 3 |"));

        TestOutput.Result bad = TestOutput.execute("parity", a.toString(), tmp.resolve("nowhere").toString());
        assertEquals(2, bad.exitCode(), bad.text());
        assertTrue(bad.text().contains("swa: ") && bad.text().contains("nowhere"), bad.text());

        Files.move(b, a.resolve("peer"));
        assertEquals(0, TestOutput.execute("report", a.toString()).exitCode());
        assertTrue(Files.isRegularFile(a.resolve("parity.csv")));
        assertTrue(Files.readString(a.resolve("report.md")).contains("## PyTorch parity"));
        assertTrue(Files.readString(a.resolve("report.html")).contains("PyTorch parity"));

        Path other = peer("other", p.withBudget(3), Map.of("sgd", new double[] {80.0, 81.0}));
        Files.move(a.resolve("peer"), tmp.resolve("moved"));
        Files.move(other, a.resolve("peer"));
        assertEquals(0, TestOutput.execute("report", a.toString()).exitCode());
        assertFalse(Files.exists(a.resolve("parity.csv")), "a refused comparison leaves no stale CSV");
        String md = Files.readString(a.resolve("report.md"));
        assertTrue(md.contains("Not compared with `peer/`") && md.contains("budget_epochs: 6 vs 3"), md);
    }
}
