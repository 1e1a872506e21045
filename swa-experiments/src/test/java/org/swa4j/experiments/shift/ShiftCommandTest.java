package org.swa4j.experiments.shift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.corrupt.CorruptedImages;
import org.swa4j.data.corrupt.Corruption;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.image.StratifiedSubset;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.runner.Checkpoints;
import org.swa4j.experiments.runner.JobContext;
import org.swa4j.experiments.runner.TinyRunAccess;
import org.swa4j.experiments.train.Evaluation;

/**
 * {@code swa shift} on the finished tiny run (192 training / 100 test images, cnn4, all four methods): its
 * clean rows are the metrics the run recorded, its corrupted rows a direct evaluation of the corrupted images,
 * its summary the mean of its rows, and it refuses bad options and an existing {@code shift/}.
 */
class ShiftCommandTest {

    private static Path dir;
    private static String output;

    @BeforeAll
    static void shiftTheTinyRun() throws IOException {
        dir = TinyRunAccess.copyOfFinishedTinyRun();
        TestOutput.Result r = TestOutput.execute("shift", dir.toString(), "--corruptions", "gaussian_noise,rotation",
                "--severities", "1,5");
        output = r.text();
        assertEquals(0, r.exitCode(), output);
    }

    /** The rows of shift.csv, split. */
    private static List<String[]> csv() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("shift/shift.csv"));
        assertEquals("method,seed,corruption,severity,examples,accuracy,nll,ece", lines.get(0));
        List<String[]> rows = new ArrayList<>();
        lines.subList(1, lines.size()).forEach(l -> rows.add(l.split(",", -1)));
        return rows;
    }

    private static String[] row(String method, String corruption, int severity) throws IOException {
        return csv().stream().filter(r -> r[0].equals(method) && r[1].equals("1") && r[2].equals(corruption)
                && r[3].equals(Integer.toString(severity))).findFirst().orElseThrow(() -> new AssertionError(
                        "no row " + method + " " + corruption + " " + severity));
    }

    @Test
    void writesOneRowPerMethodSeedCorruptionAndSeverityAndItsFiles() throws IOException {
        List<String[]> rows = csv();
        assertEquals(4 * (1 + 2 * 2), rows.size(), "sgd, ema, fge, swa on clean + 2 corruptions x 2 severities");
        for (String[] r : rows) {
            assertEquals("100", r[4], "the run's test set of 100 images");
        }
        for (String f : List.of("shift-summary.csv", "shift.md", "accuracy.png", "nll.png", "ece.png", "accuracy-by-corruption.png",
                "nll-by-corruption.png", "ece-by-corruption.png")) {
            assertTrue(Files.isRegularFile(dir.resolve("shift").resolve(f)), f + " missing");
        }
        byte[] png = Files.readAllBytes(dir.resolve("shift/accuracy-by-corruption.png"));
        assertEquals((byte) 0x89, png[0]);
        String md = Files.readString(dir.resolve("shift/shift.md"));
        assertTrue(md.contains("seed 2019") && md.contains("| rotation | degrees counter-clockwise | 15 | 30 | 45 | 60 | 75 |")
                && md.contains("- Code: swa4j ") && md.contains("- Machine: ") && md.contains("swa shift "), md);
        assertFalse(Files.exists(dir.resolve(".shift-partial")), "the partial directory was moved into place");
        assertTrue(output.contains("swa report"), output);
    }

    @Test
    void cleanRowsAreTheMetricsTheRunRecorded() throws IOException {
        ResultsDirectory results = new ResultsDirectory(dir);
        for (String m : List.of("sgd", "ema", "fge", "swa")) {
            RunRecord r = Json.read(results.record(m, 1), RunRecord.class);
            BudgetResult last = r.results().stream().max(Comparator.comparingDouble(BudgetResult::budget)).orElseThrow();
            String[] clean = row(m, "clean", 0);
            assertEquals(last.accuracy(), Double.parseDouble(clean[5]), 1e-9, m + " accuracy");
            assertEquals(last.nll(), Double.parseDouble(clean[6]), 1e-9, m + " nll");
            assertEquals(last.ece(), Double.parseDouble(clean[7]), 1e-9, m + " ece");
        }
    }

    @Test
    void corruptedRowsAreADirectEvaluationOfTheCorruptedImages() throws IOException {
        // the tiny preset's data: 192 training images (its normalisation) and the stratified 100 of the test set
        InMemoryImageDataset whole = (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded",
                DataOptions.builder().trainLimit(192).workers(1).build());
        LabelledImages test = whole.testImages();
        int[] subset = StratifiedSubset.select(test.labels(), test.numClasses(), 100);
        ComputationGraph swa = Checkpoints.loadNet(dir.resolve("models/swa-seed1.zip"));
        for (Corruption c : List.of(Corruption.GAUSSIAN_NOISE, Corruption.ROTATION)) {
            LabelledImages corrupted = CorruptedImages.of(test, c, 5).select(subset, "subset");
            PredictionMetrics direct = Evaluation.of(swa, whole.withTestImages(corrupted).test(JobContext.EVAL_BATCH));
            String[] r = row("swa", c.key(), 5);
            assertEquals(direct.accuracy(), Double.parseDouble(r[5]), 1e-9, c.key());
            assertEquals(direct.nll(), Double.parseDouble(r[6]), 1e-9, c.key());
            assertEquals(direct.ece(), Double.parseDouble(r[7]), 1e-9, c.key());
        }
    }

    @Test
    void theSummaryAveragesTheRowsOverCorruptions() throws IOException {
        List<ShiftSummary.Row> summary = ShiftSummary.read(dir.resolve("shift/shift-summary.csv"));
        ShiftSummary.Row mean = summary.stream().filter(r -> r.method().equals("fge") && r.corruption().equals("mean")
                && r.severity() == 5).findFirst().orElseThrow();
        double expected = (Double.parseDouble(row("fge", "gaussian_noise", 5)[6]) + Double.parseDouble(row("fge", "rotation", 5)[6])) / 2;
        assertEquals(expected, mean.mean(ShiftMetric.NLL), 1e-12);
        assertEquals(1, mean.n());
        assertTrue(Double.isNaN(mean.interval(ShiftMetric.NLL)[0]), "no interval from one seed");
        ShiftSummary.Row clean = summary.stream().filter(r -> r.method().equals("sgd") && r.severity() == 0).findFirst().orElseThrow();
        assertEquals(Double.parseDouble(row("sgd", "clean", 0)[5]), clean.mean(ShiftMetric.ACCURACY), 1e-12);
    }

    @Test
    void theReportShowsTheShiftSection() throws IOException {
        Path copy = TinyRunAccess.copy(dir, Files.createTempDirectory("swa4j-shift-report-"));
        TestOutput.Result r = TestOutput.execute("report", copy.toString());
        assertEquals(0, r.exitCode(), r.text());
        String md = Files.readString(copy.resolve("report.md"));
        assertTrue(md.contains("## Calibration under distribution shift") && md.contains("](shift/accuracy.png)")
                && md.contains("| SWA | 5 | 1 |"), md);
        String html = Files.readString(copy.resolve("report.html"));
        int section = html.indexOf("<h2>Calibration under distribution shift</h2>");
        assertTrue(section > 0 && section < html.indexOf("</body>") && html.contains("src=\"shift/nll.png\""), html);
    }

    @Test
    void anExistingShiftDirectoryIsKeptUnlessForced() throws IOException {
        Path copy = TinyRunAccess.copy(dir, Files.createTempDirectory("swa4j-shift-force-"));
        String before = Files.readString(copy.resolve("shift/shift.csv"));
        TestOutput.Result refused = TestOutput.execute("shift", copy.toString(), "--methods", "sgd", "--corruptions", "contrast");
        assertEquals(2, refused.exitCode(), refused.text());
        assertTrue(refused.text().contains("shift already exists and would be overwritten; nothing was changed. Pass --force"),
                refused.text());
        assertEquals(before, Files.readString(copy.resolve("shift/shift.csv")));
        TestOutput.Result forced = TestOutput.execute("shift", copy.toString(), "--methods", "sgd", "--corruptions", "contrast",
                "--severities", "3", "--test-limit", "50", "--force");
        assertEquals(0, forced.exitCode(), forced.text());
        List<String> lines = Files.readAllLines(copy.resolve("shift/shift.csv"));
        assertEquals(3, lines.size(), "header, clean and contrast 3 of sgd: " + lines);
        assertTrue(lines.get(2).startsWith("sgd,1,contrast,3,50,"), lines.get(2));
        assertFalse(Files.exists(copy.resolve(".shift-replaced")));
    }

    @Test
    void aStoppedRunResumesWithWhatItFinishedAndWritesWhatAnUninterruptedRunWrites() throws IOException {
        Path copy = TinyRunAccess.copy(dir, Files.createTempDirectory("swa4j-shift-resume-"));
        deleteTree(copy.resolve("shift"));
        String[] command = {"shift", copy.toString(), "--corruptions", "gaussian_noise,rotation", "--severities", "1,5"};
        // a damaged SWA model stops the run after SGD, EMA and FGE (METHODS order)
        Path swa = copy.resolve("models/swa-seed1.zip");
        byte[] model = Files.readAllBytes(swa);
        Files.write(swa, Arrays.copyOf(model, 100));
        TestOutput.Result stopped = TestOutput.execute(command);
        assertNotEquals(0, stopped.exitCode(), stopped.text());
        assertFalse(Files.exists(copy.resolve("shift")), "nothing is written before the whole is done");
        for (String m : List.of("sgd", "ema", "fge")) {
            assertTrue(Files.isRegularFile(copy.resolve(".shift-progress/" + m + "-seed1.json")), m);
        }

        // other settings are refused while the stopped run's evaluations are there, naming the directory
        TestOutput.Result other = TestOutput.execute("shift", copy.toString(), "--corruptions", "contrast");
        assertEquals(2, other.exitCode(), other.text());
        assertTrue(other.text().contains(".shift-progress holds the evaluations of a stopped run with other settings")
                && other.text().contains("pass --force to discard it"), other.text());

        // the EMA network replaced by the SGD one (with its checksum): EMA is evaluated again, SGD and FGE are kept
        Files.copy(copy.resolve("models/sgd-seed1.zip"), copy.resolve("models/ema-seed1.zip"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(copy.resolve("models/sgd-seed1.zip.sha256"), copy.resolve("models/ema-seed1.zip.sha256"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.write(swa, model);
        TestOutput.Result resumed = TestOutput.execute(command);
        assertEquals(0, resumed.exitCode(), resumed.text());
        assertTrue(resumed.text().contains("sgd seed 1: evaluated by an earlier run")
                && resumed.text().contains("fge seed 1: evaluated by an earlier run")
                && !resumed.text().contains("ema seed 1: evaluated by an earlier run")
                && !resumed.text().contains("swa seed 1: evaluated by an earlier run"), resumed.text());
        assertFalse(Files.exists(copy.resolve(".shift-progress")), "removed once shift/ is complete");

        // every row but EMA's is the uninterrupted run's; EMA's are now SGD's
        List<String> expected = Files.readAllLines(dir.resolve("shift/shift.csv"));
        List<String> got = Files.readAllLines(copy.resolve("shift/shift.csv"));
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            String row = got.get(i);
            if (row.startsWith("ema,")) {
                String asSgd = "sgd," + row.substring("ema,".length());
                assertTrue(expected.contains(asSgd), row + " should be the uninterrupted run's " + asSgd);
            } else {
                assertEquals(expected.get(i), row, "row " + i);
            }
        }
        String md = Files.readString(copy.resolve("shift/shift.md"));
        assertTrue(md.contains("- Resumed: 2 of the method-seed evaluations were kept from an earlier, stopped run"), md);
    }

    @Test
    void badOptionsAreRefusedNamingTheValue() throws IOException {
        Path copy = TinyRunAccess.copy(dir, Files.createTempDirectory("swa4j-shift-bad-"));
        deleteTree(copy.resolve("shift"));
        Files.delete(copy.resolve("models/ema-seed1.zip"));
        refused("--methods foo is unknown; known: [sgd, ema, fge, swa, swag, multiswag]", copy.toString(), "--methods", "foo");
        refused("corruption 'fog' is unknown; known: [gaussian_noise, gaussian_blur, rotation, contrast]", copy.toString(),
                "--corruptions", "fog");
        refused("--severities 6 must be in 1..5", copy.toString(), "--severities", "6");
        refused("--seeds 9: ", copy.toString(), "--seeds", "9");
        refused("--test-limit 20000 must be in [0, 10000]", copy.toString(), "--test-limit", "20000");
        refused("--methods ema: " + copy + " keeps no model files of ema for seeds [1]", copy.toString(), "--methods", "ema");
        Path empty = Files.createTempDirectory("swa4j-shift-empty-");
        refused("is not a results directory: " + empty.resolve("run.json") + " is missing", empty.toString());
        assertFalse(Files.exists(copy.resolve("shift")), "nothing was written");
        TestOutput.Result notANumber = TestOutput.execute("shift", copy.toString(), "--test-limit", "many");
        assertEquals(2, notANumber.exitCode());
        assertTrue(notANumber.text().contains("'many'"), notANumber.text());
    }

    private static void refused(String message, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "shift";
        System.arraycopy(args, 0, command, 1, args.length);
        TestOutput.Result r = TestOutput.execute(command);
        assertEquals(2, r.exitCode(), r.text());
        assertTrue(r.text().contains(message), "'" + r.text() + "' should contain '" + message + "'");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
