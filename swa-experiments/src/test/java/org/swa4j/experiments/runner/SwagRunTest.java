package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.ParamLayout;
import org.swa4j.core.Swag;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.swag.SwagEvaluation;
import org.swa4j.experiments.swag.SwagProbabilities;
import org.swa4j.experiments.train.Networks;

/**
 * The swag and multiswag methods on the tiny-swag preset (two seeds; SGD, SWA, SWAG of rank 2 with 3 samples at
 * budgets 1 and 1.5, MultiSWAG of both seeds; the SWA snapshots kept), trained once: SWA and SGD are those of the
 * tiny run without SWAG, the SWAG holds the mean of the networks SWA averaged, every record holds the metrics of
 * the probabilities it left, MultiSWAG's are those of the mean of its members' probabilities worked out here,
 * {@code swa swag} on the kept snapshots and a run resumed from a checkpoint give the same numbers bit for bit,
 * and report, merge and shift carry them.
 */
class SwagRunTest {

    static final Path PRESET = Path.of("src/test/resources/presets/tiny-swag.json").toAbsolutePath();

    private static Path dir;

    @BeforeAll
    static void runTinySwag() throws IOException {
        dir = Files.createTempDirectory("swa4j-tiny-swag-");
        assertEquals(0, Main.execute("run", "--preset", PRESET.toString(), "--out", dir.toString(), "--threads", "2"));
    }

    @Test
    void sgdAndSwaAreThoseOfTheRunWithoutSwag() throws IOException {
        ResultsDirectory plain = new ResultsDirectory(TinyRun.dir());
        ResultsDirectory withSwag = new ResultsDirectory(dir);
        for (String m : List.of("sgd", "swa")) {
            RunRecord a = Json.read(plain.record(m, 1), RunRecord.class);
            RunRecord b = Json.read(withSwag.record(m, 1), RunRecord.class);
            assertEquals(a.results(), b.results(), m);
            assertEquals(withoutTime(a.epochs()), withoutTime(b.epochs()), m);
        }
    }

    @Test
    void theSwagHoldsTheMeanOfTheNetworksSwaAveraged() throws IOException {
        ResultsDirectory results = new ResultsDirectory(dir);
        for (int seed = 1; seed <= 2; seed++) {
            double[] two = params(results.swaSnapshot(seed, 2));
            double[] three = params(results.swaSnapshot(seed, 3));
            ComputationGraph target = ModelSerializer.restoreComputationGraph(results.swaSnapshot(seed, 3).toFile(), false);
            double[] mean = restore(results.swagState(seed)).mean(target).params().toDoubleVector();
            List<ParamLayout.Range> stats = ParamLayout.of(target).statistics();
            for (int i = 0; i < mean.length; i++) {
                final int index = i;
                boolean statistic = stats.stream().anyMatch(r -> index >= r.offset() && index < r.offset() + r.length());
                // trainable weights: the mean of epochs 2 and 3; BatchNorm statistics: the latest collected (epoch 3)
                double expected = statistic ? three[i] : (two[i] + three[i]) / 2;
                assertEquals(expected, mean[i], 1e-6 * Math.max(1, Math.abs(expected)), "seed " + seed + " parameter " + i);
            }
        }
    }

    @Test
    void recordsHoldTheMetricsOfTheProbabilitiesTheyLeft() throws IOException {
        ResultsDirectory results = new ResultsDirectory(dir);
        List<SwagProbabilities> files = new ArrayList<>();
        for (int seed = 1; seed <= 2; seed++) {
            RunRecord r = Json.read(results.record("swag", seed), RunRecord.class);
            assertEquals(RunRecord.FINISHED, r.status());
            SwagProbabilities p = SwagProbabilities.read(results.swagProbabilities(seed));
            files.add(p);
            assertEquals(List.of(1.0, 1.5), r.results().stream().map(BudgetResult::budget).toList());
            assertEquals(List.of(2, 3), r.results().stream().map(BudgetResult::epochs).toList(), "round(b B) with B = 2");
            for (BudgetResult b : r.results()) {
                double[][] q = p.entry(b.budget()).orElseThrow().probabilities();
                for (double[] row : q) {
                    assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-5, "a model average is a distribution");
                }
                assertEquals(result(b.budget(), b.epochs(), q, p.labels()), b);
                EpochMetrics row = r.epochs().get(b.epochs() - 1);
                assertEquals(b.accuracy(), row.testAccuracy(), "the epoch row of the budget");
            }
            assertEquals(null, r.epochs().get(0).testAccuracy(), "nothing collected after epoch 1");
            assertEquals(0x5A6B0000L + seed, r.swag().samplingSeed());
            assertTrue(Checksums.hasChecksum(results.swagState(seed)) && Checksums.problem(results.swagState(seed)) == null);
        }
        // MultiSWAG of seed 1 mixes seeds 1 and 2, of seed 2 seeds 2 and 1: the same mixture, summed in another order
        for (int seed = 1; seed <= 2; seed++) {
            RunRecord m = Json.read(results.record("multiswag", seed), RunRecord.class);
            assertEquals(RunRecord.FINISHED, m.status());
            assertEquals(seed == 1 ? List.of(1, 2) : List.of(2, 1), m.swag().members());
            for (BudgetResult b : m.results()) {
                double[][] p1 = files.get(0).entry(b.budget()).orElseThrow().probabilities();
                double[][] p2 = files.get(1).entry(b.budget()).orElseThrow().probabilities();
                double[][] mean = new double[p1.length][p1[0].length];
                for (int i = 0; i < p1.length; i++) {
                    for (int c = 0; c < p1[i].length; c++) {
                        mean[i][c] = (p1[i][c] + p2[i][c]) / 2;
                    }
                }
                BudgetResult expected = result(b.budget(), b.epochs(), mean, files.get(0).labels());
                assertEquals(expected.accuracy(), b.accuracy(), 1e-12);
                assertEquals(expected.nll(), b.nll(), 1e-12);
                assertEquals(expected.ece(), b.ece(), 1e-9);
            }
        }
    }

    @Test
    void swagCommandOnTheKeptSnapshotsGivesTheRunsNumbers() throws IOException {
        Path copy = TinyRunAccess.copy(dir, Files.createTempDirectory("swa4j-tiny-swag-posthoc-"));
        ResultsDirectory results = new ResultsDirectory(copy);
        for (int seed = 1; seed <= 2; seed++) {
            for (Path f : List.of(results.record("swag", seed), results.record("multiswag", seed), results.swagState(seed),
                    results.swagProbabilities(seed))) {
                Checksums.deleteWithChecksum(f);
            }
        }
        TestOutput.Result r = TestOutput.execute("swag", copy.toString(), "--threads", "2");
        assertEquals(0, r.exitCode(), r.text());
        assertSameSwag(new ResultsDirectory(dir), results);
        RunRecord replayed = Json.read(results.record("swag", 1), RunRecord.class);
        assertEquals("swa swag " + copy + " --threads 2", replayed.swag().command());
        assertTrue(replayed.swag().seconds() > 0, "SWAG after the run keeps its own clock");
        assertEquals(null, Json.read(new ResultsDirectory(dir).record("swag", 1), RunRecord.class).swag().seconds(),
                "the run's own SWAG is on the SWA job's clock");
        String md = Files.readString(copy.resolve("report.md"));
        assertTrue(md.contains("SWAG after the run (swa swag) "), md);
    }

    /**
     * The SWA job of seed 1 stopped after the checkpoint of epoch 2 (its first SWAG budget; here the job's last
     * network cannot be written) and continued from that checkpoint ends with the uninterrupted run's SWAG.
     */
    @Test
    void swagContinuedFromACheckpointEndsAsTheUninterruptedRun(@TempDir Path tmp) throws IOException {
        RunOptions options = Json.read(new ResultsDirectory(dir).runOptions(), RunOptions.class);
        Preset p = options.preset();
        Nd4j.getEnvironment().setMaxThreads(options.threads());
        Nd4j.factory().blas().setMaxThreads(options.threads());
        ImageDataset data = Datasets.open(p.dataset(), Environment.dataOptions(options));
        ResultsDirectory continued = new ResultsDirectory(tmp.resolve("run"));
        Path blocked = Files.writeString(tmp.resolve("not-a-directory"), "");
        try (ProgressLog log = new ProgressLog(continued.log(), p.swaEpochs())) {
            JobContext ctx = context(p, data, continued, log);
            TrainingEngine.Job job = SwaJob.of(ctx);
            TrainingEngine.Job stopsAfterEpoch2 = new TrainingEngine.Job(job.start(), 0, 2, job.rate(), job.tracks(), null,
                    blocked.resolve("swa-seed1.zip"), List.of());
            assertThrows(IOException.class, () -> TrainingEngine.run(ctx, stopsAfterEpoch2));
            Checkpoints ck = ctx.checkpoints();
            assertEquals(2, ck.committedEpochs().get(0));
            assertTrue(Files.isRegularFile(ck.swag(2)), "the SWAG is in the checkpoint");
            assertEquals(1L, Json.read(ck.dir().resolve("state-2.json"), CheckpointState.class).swagCount(),
                    "swa.start = 2: one network collected, after epoch 2");

            JobContext again = context(p, data, continued, log);
            SwaJob.run(again);
        }
        assertTrue(Files.readString(continued.log()).contains("swa/seed1: resuming after epoch 2"));
        ResultsDirectory reference = new ResultsDirectory(dir);
        for (String m : List.of("swa", "swag")) {
            RunRecord a = Json.read(reference.record(m, 1), RunRecord.class);
            RunRecord b = Json.read(continued.record(m, 1), RunRecord.class);
            assertEquals(RunRecord.FINISHED, b.status(), m);
            assertEquals(a.results(), b.results(), m);
            assertEquals(withoutTime(a.epochs()), withoutTime(b.epochs()), m);
        }
        assertArrayEquals(Files.readAllBytes(reference.swagProbabilities(1)), Files.readAllBytes(continued.swagProbabilities(1)));
        assertSameState(reference.swagState(1), continued.swagState(1));
    }

    @Test
    void theReportHasSwagRowsItsSettingsAndReliabilityDiagrams() throws IOException {
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| SWAG | 1.5 | 2 |") && md.contains("| MULTISWAG | 1.5 | 2 |"), md);
        assertTrue(md.contains("## SWAG and MultiSWAG") && md.contains("SWAG: rank 2, scale 0.5, 3 samples, budgets [1.0, 1.5]"), md);
        assertTrue(md.contains("](plots/reliability.png)"), md);
        assertTrue(md.contains("MULTISWAG's result for seed k mixes the SWAG models of the runs of seeds k to k + M − 1 (cyclic), M = 2"),
                md);
        byte[] png = Files.readAllBytes(dir.resolve("plots/reliability.png"));
        assertEquals((byte) 0x89, png[0]);
        String csv = Files.readString(dir.resolve("summary.csv"));
        assertTrue(csv.contains(",swag,1.5,2,") && csv.contains(",multiswag,1,2,"), csv);
    }

    @Test
    void mergeCarriesTheSwagProbabilitiesThatMultiswagMixes() throws IOException {
        Path out = Files.createTempDirectory("swa4j-tiny-swag-merged-");
        assertEquals(0, Main.execute("merge", dir.toString(), "--out", out.toString()));
        ResultsDirectory merged = new ResultsDirectory(out);
        ResultsDirectory source = new ResultsDirectory(dir);
        for (int seed = 1; seed <= 2; seed++) {
            assertArrayEquals(Files.readAllBytes(source.swagProbabilities(seed)), Files.readAllBytes(merged.swagProbabilities(seed)));
            assertEquals(null, Checksums.problem(merged.swagProbabilities(seed)), "copied with its checksum");
            assertEquals(Json.read(source.record("multiswag", seed), RunRecord.class).results(),
                    Json.read(merged.record("multiswag", seed), RunRecord.class).results());
        }
        // without MultiSWAG's records, swa swag forms them from the merged probabilities, computing nothing else
        for (int seed = 1; seed <= 2; seed++) {
            Files.delete(merged.record("multiswag", seed));
        }
        TestOutput.Result r = TestOutput.execute("swag", out.toString());
        assertEquals(0, r.exitCode(), r.text());
        assertTrue(r.text().contains("seed 1: kept ") && !r.text().contains("replaying"), r.text());
        for (int seed = 1; seed <= 2; seed++) {
            assertEquals(Json.read(source.record("multiswag", seed), RunRecord.class).results(),
                    Json.read(merged.record("multiswag", seed), RunRecord.class).results());
        }
    }

    @Test
    void shiftEvaluatesSwagAndMultiswagAsTheRunDid() throws IOException {
        Path copy = TinyRunAccess.copy(dir, Files.createTempDirectory("swa4j-tiny-swag-shift-"));
        TestOutput.Result r = TestOutput.execute("shift", copy.toString(), "--methods", "swag,multiswag", "--corruptions",
                "gaussian_noise", "--severities", "5");
        assertEquals(0, r.exitCode(), r.text());
        assertCleanRowsAreTheRecordedOnes(copy);
    }

    /**
     * A shift run stopped at seed 2's SWAG (a damaged state) keeps seed 1's SWAG average; run again, its MultiSWAG of
     * seeds 1 and 2 mixes that kept average with seed 2's new one and still gives the run's recorded metrics.
     */
    @Test
    void aResumedShiftMixesTheKeptSwagAverageIntoMultiswag() throws IOException {
        Path copy = TinyRunAccess.copy(dir, Files.createTempDirectory("swa4j-tiny-swag-shift-resume-"));
        String[] command = {"shift", copy.toString(), "--methods", "swag,multiswag", "--corruptions", "gaussian_noise",
                "--severities", "5"};
        Path state = new ResultsDirectory(copy).swagState(2);
        byte[] bytes = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        TestOutput.Result stopped = TestOutput.execute(command);
        assertTrue(stopped.exitCode() != 0, stopped.text());
        assertTrue(Files.isRegularFile(copy.resolve(".shift-progress/swag-seed1.bin")), "seed 1's SWAG average is kept");
        Files.write(state, bytes);
        TestOutput.Result resumed = TestOutput.execute(command);
        assertEquals(0, resumed.exitCode(), resumed.text());
        assertTrue(resumed.text().contains("swag seed 1: evaluated by an earlier run")
                && !resumed.text().contains("swag seed 2: evaluated by an earlier run"), resumed.text());
        assertCleanRowsAreTheRecordedOnes(copy);
    }

    /** SWAG's and MultiSWAG's clean rows of {@code copy}'s shift.csv are the metrics the run recorded at its last budget. */
    private static void assertCleanRowsAreTheRecordedOnes(Path copy) throws IOException {
        List<String> lines = Files.readAllLines(copy.resolve("shift/shift.csv"));
        assertEquals(1 + 2 * 2 * 2, lines.size(), "swag and multiswag, two seeds, clean and one corrupted set: " + lines);
        ResultsDirectory results = new ResultsDirectory(dir);
        for (String m : List.of("swag", "multiswag")) {
            for (int seed = 1; seed <= 2; seed++) {
                BudgetResult last = Json.read(results.record(m, seed), RunRecord.class).results().stream()
                        .max(Comparator.comparingDouble(BudgetResult::budget)).orElseThrow();
                String prefix = m + "," + seed + ",clean,0,100,";
                String[] clean = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().split(",");
                assertEquals(last.accuracy(), Double.parseDouble(clean[5]), 1e-9, m + " seed " + seed + " accuracy");
                assertEquals(last.nll(), Double.parseDouble(clean[6]), 1e-9, m + " seed " + seed + " nll");
                assertEquals(last.ece(), Double.parseDouble(clean[7]), 1e-9, m + " seed " + seed + " ece");
            }
        }
    }

    private static JobContext context(Preset p, ImageDataset data, ResultsDirectory dir, ProgressLog log) {
        return new JobContext(p, new Cell("swa", 1), data, dir, log, Provenance.capture(2, ExperimentRunner.backend(),
                Networks.layerFactoryName(p)));
    }

    /** SWAG records, probabilities and states of {@code actual} equal those of {@code reference} (wall-clock seconds aside). */
    private static void assertSameSwag(ResultsDirectory reference, ResultsDirectory actual) throws IOException {
        for (int seed = 1; seed <= 2; seed++) {
            RunRecord a = Json.read(reference.record("swag", seed), RunRecord.class);
            RunRecord b = Json.read(actual.record("swag", seed), RunRecord.class);
            assertEquals(RunRecord.FINISHED, b.status());
            assertEquals(a.results(), b.results(), "swag seed " + seed);
            assertEquals(withoutTime(a.epochs()), withoutTime(b.epochs()), "swag seed " + seed);
            assertEquals(a.swag().settings(), b.swag().settings());
            assertArrayEquals(Files.readAllBytes(reference.swagProbabilities(seed)), Files.readAllBytes(actual.swagProbabilities(seed)),
                    "the probabilities of seed " + seed);
            assertSameState(reference.swagState(seed), actual.swagState(seed));
            assertEquals(Json.read(reference.record("multiswag", seed), RunRecord.class).results(),
                    Json.read(actual.record("multiswag", seed), RunRecord.class).results(), "multiswag seed " + seed);
        }
    }

    /** Two saved SWAGs have the same mean and give the same draw from the same generator, bit for bit. */
    private static void assertSameState(Path expected, Path actual) throws IOException {
        Swag<ComputationGraph> a = restore(expected);
        Swag<ComputationGraph> b = restore(actual);
        assertEquals(a.count(), b.count());
        assertArrayEquals(a.mean(a.newNetwork()).params().toFloatVector(), b.mean(b.newNetwork()).params().toFloatVector());
        assertArrayEquals(a.sample(new SplittableRandom(7), a.newNetwork()).params().toFloatVector(),
                b.sample(new SplittableRandom(7), b.newNetwork()).params().toFloatVector());
    }

    private static Swag<ComputationGraph> restore(Path state) throws IOException {
        RunOptions options = Json.read(new ResultsDirectory(dir).runOptions(), RunOptions.class);
        Preset p = options.preset();
        ImageDataset data = Datasets.open(p.dataset(), Environment.dataOptions(options));
        Swag<ComputationGraph> swag = SwagEvaluation.create(Networks.create(p, data, 1), p.swagOptions().rank());
        swag.restore(state);
        return swag;
    }

    private static double[] params(Path model) throws IOException {
        return ModelSerializer.restoreComputationGraph(model.toFile(), false).params().toDoubleVector();
    }

    /** The result of probabilities {@code p} against {@code labels}, by {@link MetricsAccumulator} row by row. */
    private static BudgetResult result(double budget, int epoch, double[][] p, int[] labels) {
        MetricsAccumulator acc = new MetricsAccumulator();
        for (int i = 0; i < p.length; i++) {
            acc.add(p[i], labels[i]);
        }
        PredictionMetrics m = acc.result();
        return new BudgetResult(budget, epoch, m.accuracy(), m.nll(), m.ece(), m.reliability());
    }

    private static List<EpochMetrics> withoutTime(List<EpochMetrics> epochs) {
        return epochs.stream().map(e -> new EpochMetrics(e.epoch(), e.lr(), e.trainLoss(), e.trainAccuracy(), e.testLoss(),
                e.testAccuracy(), e.testEce(), 0, e.iterations())).toList();
    }
}
