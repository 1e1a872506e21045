package org.swa4j.experiments.posthoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.ResultsFormat;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.runner.RunOptions;
import org.swa4j.experiments.swag.SwagProbabilities;
import org.swa4j.experiments.train.Networks;

/**
 * {@code swa swag DIR} on a results directory made by hand: a tiny network whose two SWA snapshots
 * (epochs 2 and 3) are its initial weights scaled element-wise, so that the SWAG it writes can be checked
 * against the mean and variance computed here; its record, files and refusals.
 */
class SwagCommandTest {

    @TempDir
    static Path tmp;

    static Preset preset;
    static double[] a;
    static double[] b;
    static Path dir;

    /** tiny-swag with one seed, methods swa only (a run made without swag), SWAG of rank 2 with 2 samples. */
    @BeforeAll
    static void handMadeRun() throws Exception {
        Preset t = Presets.load(Path.of("src/test/resources/presets/tiny-swag.json").toAbsolutePath().toString());
        preset = new Preset(t.name(), t.description(), t.dataset(), t.model(), t.layers(), t.trainLimit(), t.testLimit(), t.augment(),
                t.normalisation(), 1, t.batchSize(), t.budgetEpochs(), t.lrInit(), t.lrSchedule(), t.momentum(), t.weightDecay(),
                List.of("swa"), null, null, t.swa(), new Preset.SwagOptions(2, 0.5, 2, 2, List.of(1.0, 1.5)), null, null);
        ImageDataset data = Datasets.open(preset.dataset(), DataOptions.builder().trainLimit(192).testLimit(100).workers(1).build());
        ComputationGraph net = Networks.create(preset, data, 1);
        INDArray w = net.params().dup();
        long n = w.length();
        a = new double[(int) n];
        b = new double[(int) n];
        dir = tmp.resolve("run");
        ResultsDirectory results = new ResultsDirectory(dir);
        for (int i = 0; i < n; i++) {
            a[i] = (float) (w.getDouble(i) * (1 + 0.1 * Math.sin(i)));
            b[i] = (float) (w.getDouble(i) * (1 + 0.05 * Math.cos(i)));
        }
        snapshot(net, a, results.swaSnapshot(1, 2));
        snapshot(net, b, results.swaSnapshot(1, 3));
        Json.write(results.runOptions(), new RunOptions(preset, null, false, 2, "0/1", "swa run --preset tiny-swag", ResultsFormat.CURRENT));
        List<EpochMetrics> rows = new ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            rows.add(new EpochMetrics(e, 0.05 / e, 2.0 - 0.1 * e, 20.0 + e, e >= 2 ? 1.9 : null, e >= 2 ? 25.0 : null,
                    e >= 2 ? 5.0 : null, 10.0 * e, 6L));
        }
        Json.write(results.record("swa", 1), new RunRecord("swa", 1, RunRecord.FINISHED, null, preset, null, rows,
                List.of(new BudgetResult(1, 2, 25, 1.9, 5), new BudgetResult(1.5, 3, 26, 1.8, 4))));
        TestOutput.Result r = TestOutput.execute("swag", dir.toString(), "--threads", "2");
        assertEquals(0, r.exitCode(), r.text());
        printed = r.text();
    }

    static String printed;

    private static void snapshot(ComputationGraph net, double[] values, Path file) throws Exception {
        for (int i = 0; i < values.length; i++) {
            net.params().putScalar(i, values[i]);
        }
        Files.createDirectories(file.getParent());
        ModelSerializer.writeModel(net, file.toFile(), false);
    }

    @Test
    void theSwagWrittenHasTheMeanAndVarianceOfTheSnapshots() throws Exception {
        Path state = new ResultsDirectory(dir).swagState(1);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(state)))) {
            assertEquals("swa4j-swag", in.readUTF());
            assertEquals(1, in.readInt(), "format version");
            assertEquals(2, in.readInt(), "rank");
            assertEquals("FLOAT", in.readUTF());
            ByteOrder order = in.readUTF().equals("LITTLE_ENDIAN") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            assertEquals(a.length, in.readLong());
            in.readUTF();
            assertEquals(2, in.readLong(), "two snapshots collected");
            in.readInt();
            in.readInt();
            in.readLong();
            float[] sum = floats(in, a.length, order);
            float[] m2 = floats(in, a.length, order);
            for (int i = 0; i < a.length; i++) {
                double mean = (a[i] + b[i]) / 2;
                double variance = ((a[i] - mean) * (a[i] - mean) + (b[i] - mean) * (b[i] - mean)) / 2;
                assertEquals(mean, sum[i] / 2.0, 1e-6 * Math.max(1, Math.abs(mean)), "mean " + i);
                // in float the deviation d = b - (a + b) / 2 carries the rounding of the sum, up to one ulp of |a| + |b|;
                // variance = d^2 then errs by up to 2 |d| ulp + ulp^2, besides float's relative rounding of the products
                double ulp = Math.ulp((float) (Math.abs(a[i]) + Math.abs(b[i])));
                double d = Math.abs(b[i] - mean);
                assertEquals(variance, m2[i] / 2.0, 1e-5 * variance + 2 * d * ulp + ulp * ulp, "variance " + i);
            }
        }
    }

    private static float[] floats(DataInputStream in, int n, ByteOrder order) throws Exception {
        byte[] bytes = new byte[4 * n];
        in.readFully(bytes);
        float[] out = new float[n];
        ByteBuffer.wrap(bytes).order(order).asFloatBuffer().get(out);
        return out;
    }

    @Test
    void eachSampleOfEachBudgetIsReportedAsItFinishes() {
        List<String> lines = printed.lines().filter(l -> l.startsWith("seed 1, budget ")).map(l -> l.replaceAll(" \\(\\d+ s\\)$", ""))
                .toList();
        assertEquals(List.of("seed 1, budget 1: sample 1/2", "seed 1, budget 1: sample 2/2", "seed 1, budget 1.5: sample 1/2",
                "seed 1, budget 1.5: sample 2/2"), lines, printed);
    }

    @Test
    void theRecordHoldsTheMetricsOfTheProbabilitiesWrittenAndHowTheyWereMade() throws Exception {
        ResultsDirectory results = new ResultsDirectory(dir);
        RunRecord r = Json.read(results.record("swag", 1), RunRecord.class);
        assertEquals(RunRecord.FINISHED, r.status());
        SwagProbabilities p = SwagProbabilities.read(results.swagProbabilities(1));
        assertEquals(List.of(1.0, 1.5), r.results().stream().map(BudgetResult::budget).toList());
        for (BudgetResult res : r.results()) {
            SwagProbabilities.Entry e = p.entry(res.budget()).orElseThrow();
            assertEquals(res.epochs(), e.epoch());
            MetricsAccumulator acc = new MetricsAccumulator();
            for (int i = 0; i < p.labels().length; i++) {
                acc.add(e.probabilities()[i], p.labels()[i]);
            }
            PredictionMetrics m = acc.result();
            assertEquals(new BudgetResult(res.budget(), e.epoch(), m.accuracy(), m.nll(), m.ece(), m.reliability()), res);
            assertEquals(100, res.reliability().examples());
        }
        assertEquals(new Preset.SwagOptions(2, 0.5, 2, 2, List.of(1.0, 1.5)), r.swag().settings());
        assertEquals(0x5A6B0000L + 1, r.swag().samplingSeed());
        assertTrue(r.swag().source().contains("E = [2, 3]"), r.swag().source());
        assertEquals("swa swag " + dir + " --threads 2", r.swag().command());
        assertNotNull(r.provenance().endTime());
        assertEquals(3, r.epochs().size());
        assertNull(r.epochs().get(0).testAccuracy());
        assertEquals(r.results().get(0).accuracy(), r.epochs().get(1).testAccuracy());
        assertEquals(r.results().get(1).nll(), r.epochs().get(2).testLoss());
        assertEquals(0.05 / 3, r.epochs().get(2).lr(), "the SWA run's training columns");
        assertTrue(Files.readString(dir.resolve("summary.csv")).contains(",swag,1.5,1,"), "the summary has SWAG's rows");
        assertTrue(Files.readString(dir.resolve("report.md")).contains("computed after the run by `swa swag"));
        assertTrue(!Files.exists(results.record("multiswag", 1)), "one seed: no MultiSWAG");
    }

    @Test
    void refusesBadSettingsMissingSnapshotsAndOtherSettingsNamingThem() throws Exception {
        TestOutput.Result bad = TestOutput.execute("swag", dir.toString(), "--rank", "1", "--samples", "0", "--budgets", "2");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.text().contains("swa: --rank = 1; must be 0 (SWAG-Diagonal) or >= 2; --samples = 0; must be >= 1; "
                + "--budgets contains 2.0; each must be one of swa.budgets [1.0, 1.5]"), bad.text());
        TestOutput.Result other = TestOutput.execute("swag", dir.toString(), "--samples", "3");
        assertEquals(2, other.exitCode());
        assertTrue(other.text().contains(new ResultsDirectory(dir).record("swag", 1) + " holds SWAG made with ")
                && other.text().contains("pass --force to replace it"), other.text());
        Path copy = tmp.resolve("copy");
        org.swa4j.experiments.runner.TinyRunAccess.copy(dir, copy);
        Files.delete(new ResultsDirectory(copy).swaSnapshot(1, 3));
        TestOutput.Result missing = TestOutput.execute("swag", copy.toString(), "--force");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.text().contains(new ResultsDirectory(copy).swaSnapshot(1, 3) + " is missing")
                && missing.text().contains("\"keep_snapshots\": true"), missing.text());
        TestOutput.Result noSeed = TestOutput.execute("swag", dir.toString(), "--seeds", "4");
        assertTrue(noSeed.text().contains("--seeds 4: " + new ResultsDirectory(dir).record("swa", 4) + " is missing"), noSeed.text());
    }
}
