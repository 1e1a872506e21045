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
                new SummaryRow("cifar100", "vgg16", "swa", 1.25, 3, 74.5, 0.1, 74.3, 74.7, 1.1, 2, 0.0005),
                new SummaryRow("cifar100", "vgg16", "fge", 1, 3, 74.0, 0.1, 73.8, 74.2, 1.0, 1, 0.002),
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
        assertEquals("5.0e-04", t.getString(1, "p vs SGD"));
        assertEquals("0.002", t.getString(2, "p vs SGD"));
        Table quick = ReportWriter.comparisonTable(Presets.load("quick"), rows, PaperNumbers.load());
        assertEquals("", quick.getString(0, "paper"), "quick matches no paper row");
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
        ReportWriter.write(tmp, q, "swa run --preset quick", records, Summary.rows(records));
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
        ReportWriter.write(tmp, q, "swa run --preset quick", records, Summary.rows(records));
        md = Files.readString(tmp.resolve("report.md"));
        html = Files.readString(tmp.resolve("report.html"));
        assertTrue(md.endsWith("\n" + geometry), md);
        assertTrue(md.indexOf("## Per seed") < md.indexOf("## Geometry"), "appended after the report's own sections");
        assertTrue(html.contains("<h2>Geometry: the SGD and SWA solutions (paper Figures 1, 4, 5)</h2>\n<h3>Geometry of seed1</h3>"), html);
        assertTrue(html.contains("<tr><td>SWA (t = 1)</td><td>24.00</td></tr>"), html);
        assertTrue(html.contains("<img src=\"geometry/seed1/line-test-error.png\" alt=\"test error along the line\">"), html);
        assertTrue(html.indexOf("<h2>Per seed</h2>") < html.indexOf("<h2>Geometry") && html.endsWith("</body></html>\n"), html);
    }
}
