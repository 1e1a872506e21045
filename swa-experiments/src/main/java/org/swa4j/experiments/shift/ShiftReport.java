package org.swa4j.experiments.shift;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.swa4j.data.corrupt.CorruptedImages;
import org.swa4j.data.corrupt.Corruption;
import org.swa4j.experiments.results.Provenance;

/**
 * The Markdown of {@code swa shift}: {@code shift/shift.md} (what was evaluated, on what, by which code and
 * machine, the corruption table and seed, the tables and figures) and the shorter section
 * {@code swa report DIR} adds to the report when {@code DIR/shift/} holds a summary ({@link #section}).
 */
public final class ShiftReport {

    /** The directory {@code swa shift DIR} writes, relative to DIR. */
    public static final String DIRECTORY = "shift";
    /** Its files. */
    public static final String CSV = "shift.csv";
    public static final String SUMMARY = "shift-summary.csv";
    public static final String MARKDOWN = "shift.md";

    /**
     * What one {@code swa shift} evaluated.
     *
     * @param preset      the run's preset name
     * @param dataset     the data set
     * @param model       the model
     * @param testImages  images per evaluation set
     * @param testSubset  how the test set was chosen (the whole set, or a stratified subset)
     * @param corruptions the corruptions evaluated, in table order
     * @param severities  the severities evaluated
     * @param methods     one line per method: its seeds and what its prediction is
     * @param command     the command line
     * @param provenance  code, versions and machine, start and end
     * @param seconds     wall time of the evaluation
     * @param passes      inference passes over an evaluation set, in all
     * @param bnUpdates   BatchNorm update passes over the training data (SWAG's samples)
     */
    record Run(String preset, String dataset, String model, int testImages, String testSubset, List<Corruption> corruptions,
            List<Integer> severities, List<String> methods, String command, Provenance provenance, double seconds, long passes,
            long bnUpdates, int resumed) {
    }

    private ShiftReport() {
    }

    /** {@code shift.md}; its links are relative to the {@code shift/} directory. */
    static String document(Run run, List<ShiftSummary.Row> summary, List<String> figures) {
        StringBuilder md = new StringBuilder("# Calibration under distribution shift: ").append(run.preset()).append("\n\n");
        md.append("Accuracy, NLL and expected calibration error (15 bins) of every method's saved models on the clean test set "
                + "(severity 0) and on corrupted copies of it (the corruptions and severities below), after Ovadia et al., \"Can You Trust Your "
                + "Model's Uncertainty? Evaluating Predictive Uncertainty Under Dataset Shift\" (NeurIPS 2019), with corruptions "
                + "after Hendrycks and Dietterich, \"Benchmarking Neural Network Robustness to Common Corruptions and "
                + "Perturbations\" (ICLR 2019). Means over seeds with 95% Student-t intervals.\n\n");
        md.append("## Setup\n\n");
        md.append("- Data: `").append(run.dataset()).append("`, ").append(run.testImages()).append(" test images (")
                .append(run.testSubset()).append("); model `").append(run.model()).append("`\n");
        md.append("- Corruptions ").append(run.corruptions().stream().map(Corruption::key).toList()).append(" at severities ")
                .append(run.severities()).append(", seed ").append(CorruptedImages.SEED).append(" (table below)\n");
        for (String m : run.methods()) {
            md.append("- ").append(m).append('\n');
        }
        md.append("- Command: `").append(run.command()).append("`\n");
        Provenance p = run.provenance();
        md.append("- Code: ").append(p.code()).append('\n');
        md.append("- Machine: ").append(p.machine()).append('\n');
        md.append(String.format(Locale.ROOT, "- Cost: %d inference passes over a set of %d images and %d BatchNorm updates "
                + "in %.0f s of evaluation (%s to %s)%n", run.passes(), run.testImages(), run.bnUpdates(), run.seconds(), p.startTime(),
                p.endTime()));
        if (run.resumed() > 0) {
            md.append(String.format(Locale.ROOT, "- Resumed: %d of the method-seed evaluations were kept from an earlier, stopped "
                    + "run of the same settings and model files (`%s/`); the machine above is the last run's%n", run.resumed(),
                    ShiftProgress.DIRECTORY));
        }
        md.append("\n## Corruptions\n\n");
        md.append("Pixels x = byte / 255 are corrupted in double precision, clipped to [0, 1] and stored as floor(255 x + 0.5), "
                + "so the corrupted sets are 8-bit images, the same on every machine (`swa corrupt` writes them as IDX files with "
                + "their SHA-256). The noise of image i at corruption k (table order, from 0) and severity s comes from split i of "
                + "split 5k + s − 1 of `new SplittableRandom(" + CorruptedImages.SEED + ")`. Noise and contrast use CIFAR-10-C's "
                + "values as they are (pixel-scale amplitudes), the blur CIFAR-10-C's sigmas scaled by 28/32, the rotation Ovadia "
                + "et al.'s 15-degree steps.\n\n");
        md.append(Corruption.markdownTable()).append('\n');
        md.append("## Mean over corruptions\n\n");
        md.append(meanTable(summary)).append('\n');
        for (String f : figures) {
            if (!f.contains("-by-corruption")) {
                md.append("![").append(f).append("](").append(f).append(")\n\n");
            }
        }
        md.append("## Per corruption\n\n");
        md.append(corruptionTable(summary)).append('\n');
        for (String f : figures) {
            if (f.contains("-by-corruption")) {
                md.append("![").append(f).append("](").append(f).append(")\n\n");
            }
        }
        md.append("Raw data: `").append(CSV).append("` (one row per method, seed, corruption and severity; the clean test set is "
                + "corruption `clean`, severity 0) and `").append(SUMMARY).append("` (over seeds).\n");
        return md.toString();
    }

    /**
     * The report's section on {@code root/shift/}, when it holds a summary: the table of means over
     * corruptions and the averaged figures (links relative to {@code root}), pointing to {@code shift/shift.md}.
     */
    public static Optional<String> section(Path root) throws IOException {
        Path dir = root.resolve(DIRECTORY);
        if (!Files.isRegularFile(dir.resolve(SUMMARY))) {
            return Optional.empty();
        }
        List<ShiftSummary.Row> summary = ShiftSummary.read(dir.resolve(SUMMARY));
        StringBuilder md = new StringBuilder("## Calibration under distribution shift\n\n");
        md.append("Written by `swa shift DIR`: every method's saved models on the clean test set (severity 0) and on "
                + "corrupted copies (Gaussian noise, Gaussian blur, rotation, contrast; five severities), means over seeds "
                + "with 95% intervals, averaged over the corruptions evaluated. Per corruption, the corruption table, seeds and "
                + "provenance: [shift/shift.md](shift/shift.md).\n\n");
        md.append(meanTable(summary)).append('\n');
        for (ShiftMetric m : ShiftMetric.values()) {
            String f = m.file() + ".png";
            if (Files.isRegularFile(dir.resolve(f))) {
                md.append("![").append(f).append("](").append(DIRECTORY).append('/').append(f).append(")\n\n");
            }
        }
        return Optional.of(md.toString());
    }

    /** Method, severity (0 = clean), n, then each metric's mean and interval, averaged over corruptions. */
    static String meanTable(List<ShiftSummary.Row> summary) {
        StringBuilder md = new StringBuilder("| method | severity | n | accuracy % | 95% CI | NLL | 95% CI | ECE % | 95% CI |\n"
                + "|:---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ShiftSummary.Row r : summary) {
            if (r.severity() == 0 || r.corruption().equals(ShiftSummary.MEAN)) {
                md.append("| ").append(r.method().toUpperCase(Locale.ROOT)).append(" | ").append(r.severity()).append(" | ")
                        .append(r.n());
                for (ShiftMetric m : ShiftMetric.values()) {
                    int digits = m == ShiftMetric.NLL ? 3 : 2;
                    md.append(" | ").append(fmt(r.mean(m), digits)).append(" | ").append(interval(r.interval(m), digits));
                }
                md.append(" |\n");
            }
        }
        return md.toString();
    }

    /** Method, corruption, severity, n and the three means, one row per corruption and severity. */
    static String corruptionTable(List<ShiftSummary.Row> summary) {
        StringBuilder md = new StringBuilder("| method | corruption | severity | n | accuracy % | NLL | ECE % |\n"
                + "|:---|:---|---:|---:|---:|---:|---:|\n");
        List<ShiftSummary.Row> rows = new ArrayList<>(summary.stream()
                .filter(r -> r.severity() > 0 && !r.corruption().equals(ShiftSummary.MEAN)).toList());
        for (ShiftSummary.Row r : rows) {
            md.append("| ").append(r.method().toUpperCase(Locale.ROOT)).append(" | ").append(r.corruption()).append(" | ")
                    .append(r.severity()).append(" | ").append(r.n()).append(" | ").append(fmt(r.mean(ShiftMetric.ACCURACY), 2))
                    .append(" | ").append(fmt(r.mean(ShiftMetric.NLL), 3)).append(" | ").append(fmt(r.mean(ShiftMetric.ECE), 2))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String interval(double[] ci, int digits) {
        return Double.isFinite(ci[0]) ? "[" + fmt(ci[0], digits) + ", " + fmt(ci[1], digits) + "]" : "";
    }

    private static String fmt(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "";
    }
}
