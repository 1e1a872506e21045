package org.swa4j.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.Summary;
import org.swa4j.experiments.results.SummaryRow;

import tech.tablesaw.api.Table;

/** The paper's numbers appear beside ours where a preset matches; the report embeds its figures. */
class ReportWriterTest {

    @TempDir
    Path tmp;

    @Test
    void paperNumbersAndDifferenceForAMatchingPreset() {
        Preset vgg = Presets.load("cifar100-vgg16");
        List<SummaryRow> rows = List.of(
                new SummaryRow("cifar100", "vgg16", "sgd", 1, 3, 72.0, 0.2, 71.5, 72.5, 1.2, 3, Double.NaN),
                new SummaryRow("cifar100", "vgg16", "swa", 1.25, 3, 74.5, 0.1, 74.3, 74.7, 1.1, 2, Double.NaN, 0.0005, Double.NaN,
                        0.0002),
                new SummaryRow("cifar100", "vgg16", "fge", 1, 3, 74.0, 0.1, 73.8, 74.2, 1.0, 1, 0.002, 0.002, 0.03, 0.03),
                new SummaryRow("cifar100", "vgg16", "ema", 1, 3, 73.0, 0.1, 72.8, 73.2, 1.0, 1, 0.01));
        Table t = ReportWriter.comparisonTable(vgg, rows, PaperNumbers.load());
        // table1.csv: CIFAR-100 VGG-16 SGD 72.55 +/- 0.10, SWA(1.25) 74.17 +/- 0.15; fge_cifar100.csv: FGE 74.6 +/- 0.1
        assertEquals("72.55 ± 0.10", t.getString(0, "paper"));
        assertEquals("-0.55", t.getString(0, "ours − paper"));
        assertEquals("74.17 ± 0.15", t.getString(1, "paper"));
        assertEquals("+0.33", t.getString(1, "ours − paper"));
        assertEquals("74.60 ± 0.10", t.getString(2, "paper"));
        assertEquals("", t.getString(3, "paper"), "the paper has no EMA row");
        assertEquals("72.00 ± 0.20", t.getString(0, "accuracy"));
        assertEquals("[71.50, 72.50]", t.getString(0, "95% CI"));
        assertEquals("", t.getString(0, "vs SGD at budget"), "SGD is not compared with itself");
        assertEquals("", t.getString(0, "p (Welch)"));
        // SWA at 1.25: SGD ran at budget 1 only, so both p-values are against SGD at budget 1
        assertEquals("1", t.getString(1, "vs SGD at budget"));
        assertEquals("5.0e-04", t.getString(1, "p (Welch)"));
        assertEquals("2.0e-04", t.getString(1, "p (paired)"));
        assertEquals("1", t.getString(2, "vs SGD at budget"));
        assertEquals("0.002", t.getString(2, "p (Welch)"));
        assertEquals("0.030", t.getString(2, "p (paired)"));
        Table quick = ReportWriter.comparisonTable(Presets.load("quick"), rows, PaperNumbers.load());
        assertEquals("", quick.getString(0, "paper"), "quick matches no paper row");
    }

    /**
     * A paper number is printed only beside a run of the same budget in epochs: table1.csv has
     * Shake-Shake-2x64d at B = 1800 (SWA 1.5 B: 97.12) and PyramidNet-272 at B = 300 (SWA 1.5 B: 84.16);
     * fge_cifar100.csv has PreResNet-164's FGE in 200 epochs (80.3 +/- 0.2).
     */
    @Test
    void paperNumbersOnlyForTheSameBudgetInEpochs() {
        PaperNumbers paper = PaperNumbers.load();
        assertEquals(72.55, paper.find("CIFAR-100", "VGG-16", "sgd", 200, "1").orElseThrow().accMean());
        assertTrue(paper.find("CIFAR-100", "VGG-16", "sgd", 150, "1").isEmpty());
        List<SummaryRow> swa15 = List.of(new SummaryRow("cifar10", "shakeshake26_2x64d", "swa", 1.5, 3, 97.0, 0.1, 96.8, 97.2, 0.1, 1,
                Double.NaN));
        Preset shake = Presets.load("cifar10-shakeshake26_2x64d");
        assertEquals(1800, shake.budgetEpochs());
        assertEquals("97.12", ReportWriter.comparisonTable(shake, swa15, paper).getString(0, "paper"));
        assertEquals("", ReportWriter.comparisonTable(shake.withBudget(1200), swa15, paper).getString(0, "paper"),
                "SWA at 1.5 x 1200 epochs is not the paper's 1.5 x 1800");
        Preset pyramid = Presets.load("cifar100-pyramidnet272_a200");
        assertEquals(300, pyramid.budgetEpochs());
        assertEquals("84.16", ReportWriter.comparisonTable(pyramid, swa15, paper).getString(0, "paper"));

        List<SummaryRow> fge = List.of(new SummaryRow("cifar100", "preresnet164", "fge", 200.0 / 150, 3, 80.0, 0.2, 79.5, 80.5, 0.7,
                1, Double.NaN));
        Preset pre = Presets.load("cifar100-preresnet164");
        Table t = ReportWriter.comparisonTable(pre, fge, paper);
        assertEquals("1.3333", t.getString(0, "budget"), "FGE's 200 epochs are 1.33 of the SGD budget 150");
        assertEquals("80.30 ± 0.20", t.getString(0, "paper"));
        assertEquals("-0.30", t.getString(0, "ours − paper"));
        Preset sameBudget = new Preset(pre.name(), "", pre.dataset(), pre.model(), null, null, null, true, 3, 128, 150, 0.1, null, 0.9,
                3e-4, List.of("fge"), null, new Preset.FgeOptions(0.8, 2, 0.05, 0.01), null, null, pre.paper());
        assertEquals("", ReportWriter.comparisonTable(sameBudget, fge, paper).getString(0, "paper"), "FGE in 150 epochs is not 200");
    }

    @Test
    void reportEmbedsFiguresAndListsDivergedRuns() throws Exception {
        Preset q = Presets.load("quick");
        List<EpochMetrics> epochs = List.of(new EpochMetrics(1, 0.05, 1.0, 60.0, 0.9, 70.0, 5.0, 1),
                new EpochMetrics(2, 0.01, 0.8, 70.0, 0.7, 75.0, 4.0, 2));
        List<RunRecord> records = List.of(
                new RunRecord("sgd", 1, RunRecord.FINISHED, null, q, null, epochs, List.of(new BudgetResult(1, 2, 75, 0.7, 4))),
                new RunRecord("swa", 1, RunRecord.FINISHED, null, q, null, epochs, List.of(new BudgetResult(1, 2, 76, 0.6, 3))),
                new RunRecord("swa", 2, RunRecord.DIVERGED, 2, q, null, epochs.subList(0, 1), List.of()));
        ReportWriter.write(new ResultsDirectory(tmp), q, "swa run --preset quick", records, Summary.rows(records));
        String md = Files.readString(tmp.resolve("report.md"));
        String html = Files.readString(tmp.resolve("report.html"));
        for (String png : List.of(Plots.TEST_ERROR, Plots.LEARNING_RATE, Plots.ACCURACY_BUDGET)) {
            assertTrue(Files.size(tmp.resolve("plots").resolve(png)) > 1000, png);
            assertTrue(md.contains("(plots/" + png + ")"), png);
            assertTrue(html.contains("<img src=\"plots/" + png + "\""), png);
        }
        assertTrue(md.contains("swa seed 2: non-finite loss in epoch 2"), md);
        assertTrue(html.contains("swa seed 2: non-finite loss in epoch 2"), html);
        assertTrue(md.contains("`swa run --preset quick`"), md);
        assertTrue(!md.contains("Geometry") && !html.contains("Geometry"), "no geometry.md, no geometry section");

        String geometry = "## Geometry: the SGD and SWA solutions (paper Figures 1, 4, 5)\n\n### Geometry of seed1\n\n"
                + "| solution | recorded test error (%) |\n|---|---|\n| SWA (t = 1) | 24.00 |\n\n"
                + "![test error along the line](geometry/seed1/line-test-error.png)\n";
        Files.writeString(tmp.resolve("geometry.md"), geometry);
        ReportWriter.write(new ResultsDirectory(tmp), q, "swa run --preset quick", records, Summary.rows(records));
        md = Files.readString(tmp.resolve("report.md"));
        html = Files.readString(tmp.resolve("report.html"));
        assertTrue(md.endsWith("\n" + geometry), md);
        assertTrue(md.indexOf("## Per seed") < md.indexOf("## Geometry"), "appended after the report's own sections");
        assertTrue(html.contains("<h2>Geometry: the SGD and SWA solutions (paper Figures 1, 4, 5)</h2>\n<h3>Geometry of seed1</h3>"), html);
        assertTrue(html.contains("<tr><td>SWA (t = 1)</td><td>24.00</td></tr>"), html);
        assertTrue(html.contains("<img src=\"geometry/seed1/line-test-error.png\" alt=\"test error along the line\">"), html);
        assertTrue(html.indexOf("<h2>Per seed</h2>") < html.indexOf("<h2>Geometry") && html.endsWith("</body></html>\n"), html);
    }
    @Test
    void machineTimeCountsEachJobOnceByItsLastEpochsClock() {
        Preset q = Presets.load("quick");
        // each job's record carries its cumulative clock; ema shares sgd's, swag shares swa's
        RunRecord sgd1 = record(q, "sgd", 1, 100, 300);
        RunRecord ema1 = record(q, "ema", 1, 100, 300);
        RunRecord sgd2 = record(q, "sgd", 2, 150, 500);
        RunRecord fge1 = record(q, "fge", 1, 40, 60);
        RunRecord swa1 = record(q, "swa", 1, 200, 7000);
        RunRecord swag1 = record(q, "swag", 1, 200, 7000);
        String line = ReportWriter.machineTime(List.of(ema1, sgd1, sgd2, fge1, swa1, swag1));
        // 300 + 500 + 60 + 7000 = 7860 s = 2.18 h; sgd 800 s = 13.3 min over 2 seeds, 400 s = 6.7 min a seed;
        // swa 7000 s, under two hours, reads 116.7 min
        assertEquals("2.18 h of training and evaluation summed over the jobs: SGD and EMA 13.3 min (2 seeds, 6.7 min a seed); "
                + "FGE 60 s (1 seed, 60 s a seed); SWA and SWAG 116.7 min (1 seed, 116.7 min a seed)", line);
        // SWAG computed after the run has a clock of its own in its swag provenance: 600 s more, counted apart
        RunRecord posthoc = new RunRecord("swag", 1, RunRecord.FINISHED, null, q, null, swag1.epochs(), swag1.results(),
                new org.swa4j.experiments.results.SwagProvenance(null, "replayed", 1L, null, "swa swag DIR", 600.0));
        assertEquals("2.11 h of training and evaluation summed over the jobs: SWA and SWAG 116.7 min (1 seed, 116.7 min a seed); "
                + "SWAG after the run (swa swag) 10.0 min (1 seed, 10.0 min a seed)", ReportWriter.machineTime(List.of(swa1, posthoc)));
        RunRecord untimed = new RunRecord("swag", 2, RunRecord.FINISHED, null, q, null, swag1.epochs(), swag1.results(),
                new org.swa4j.experiments.results.SwagProvenance(null, "replayed", 2L, null, "swa swag DIR"));
        assertTrue(ReportWriter.machineTime(List.of(swa1, posthoc, untimed)).endsWith("; not counted: the SWAG of 1 seed computed "
                + "after the run by a swa4j that did not yet record its time"), ReportWriter.machineTime(List.of(swa1, posthoc, untimed)));
        // an ema record without its sgd record carries the job's clock itself
        assertEquals("5.0 min of training and evaluation summed over the jobs: SGD and EMA 5.0 min (1 seed, 5.0 min a seed)",
                ReportWriter.machineTime(List.of(ema1)));
    }

    @Test
    void multiswagSeedsThatShareRunsAreExplainedUnderTheTable() {
        Preset q = Presets.load("quick");
        java.util.function.BiFunction<Integer, List<Integer>, RunRecord> multiswag = (seed, members) -> new RunRecord("multiswag",
                seed, RunRecord.FINISHED, null, q, null, List.of(), List.of(new BudgetResult(1.5, 9, 80, 0.5, 1)),
                new org.swa4j.experiments.results.SwagProvenance(null, "test", null, members, "test"));
        String note = ReportWriter.sharedRunsNote(List.of(multiswag.apply(1, List.of(1, 2, 3)), multiswag.apply(2, List.of(2, 3, 1)),
                multiswag.apply(3, List.of(3, 1, 2))));
        assertEquals("MULTISWAG's result for seed k mixes the SWAG models of the runs of seeds k to k + M − 1 (cyclic), M = 3: "
                + "it costs M runs' training, and its seeds share runs, so they are not independent samples. Its mean and std "
                + "describe those mixtures; no 95% CI or p-value is given for it.", note);
        assertEquals(null, ReportWriter.sharedRunsNote(List.of(multiswag.apply(1, List.of(1, 2)), multiswag.apply(3, List.of(3, 4)))));
        assertEquals(null, ReportWriter.sharedRunsNote(List.of(record(q, "swa", 1, 1, 2))));
    }

    private static RunRecord record(Preset q, String method, int seed, double firstEpochSeconds, double lastEpochSeconds) {
        List<EpochMetrics> epochs = List.of(new EpochMetrics(1, 0.05, 1.0, 60.0, 0.9, 70.0, 5.0, firstEpochSeconds, 1L),
                new EpochMetrics(2, 0.01, 0.8, 70.0, 0.7, 75.0, 4.0, lastEpochSeconds, 2L));
        return new RunRecord(method, seed, RunRecord.FINISHED, null, q, null, epochs, List.of(new BudgetResult(1, 2, 75, 0.7, 4)));
    }
}
