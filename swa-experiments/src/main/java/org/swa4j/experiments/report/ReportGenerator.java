package org.swa4j.experiments.report;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.Summary;
import org.swa4j.experiments.results.SummaryRow;
import org.swa4j.experiments.runner.RunOptions;

/**
 * Regenerates {@code summary.csv}, {@code report.md}, {@code report.html} and the plots of a results directory,
 * and its PyTorch parity comparison when the peer's results are in {@code DIR/peer/}
 * ({@link org.swa4j.experiments.parity.ParityFiles#refresh}).
 */
public final class ReportGenerator {

    private ReportGenerator() {
    }

    /** Rebuilds everything derived from {@code dir}'s run records; returns the summary rows. */
    public static List<SummaryRow> regenerate(ResultsDirectory dir) throws IOException {
        if (!Files.isRegularFile(dir.runOptions())) {
            throw new IllegalArgumentException(dir.root() + " is not a results directory: " + dir.runOptions() + " is missing");
        }
        RunOptions options = Json.read(dir.runOptions(), RunOptions.class);
        List<String> mixed = dir.configurationProblems(options);
        if (!mixed.isEmpty()) {
            throw new IllegalArgumentException("no summary of " + dir.root() + ": it mixes configurations, which one summary must not:\n  - "
                    + String.join("\n  - ", mixed));
        }
        List<RunRecord> records = dir.records();
        List<SummaryRow> rows = Summary.rows(records);
        Summary.write(dir.summary(), rows);
        org.swa4j.experiments.parity.ParityFiles.refresh(dir.root());
        ReportWriter.write(dir, options.preset(), options.command(), records, rows);
        addShiftSection(dir);
        return rows;
    }

    /**
     * Appends the distribution-shift section ({@code swa shift DIR}: its table and figures) to
     * {@code report.md} and {@code report.html} when {@code DIR/shift/} holds a summary.
     */
    static void addShiftSection(ResultsDirectory dir) throws IOException {
        java.util.Optional<String> section = org.swa4j.experiments.shift.ShiftReport.section(dir.root());
        if (section.isEmpty()) {
            return;
        }
        org.swa4j.experiments.results.AtomicFiles.writeString(dir.reportMarkdown(),
                Files.readString(dir.reportMarkdown()) + "\n" + section.get());
        String html = Files.readString(dir.reportHtml());
        int end = html.lastIndexOf("</body>");
        org.swa4j.experiments.results.AtomicFiles.writeString(dir.reportHtml(),
                html.substring(0, end) + MarkdownHtml.toHtml(section.get()) + html.substring(end));
    }
}
