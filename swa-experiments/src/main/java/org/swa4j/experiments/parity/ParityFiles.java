package org.swa4j.experiments.parity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.ResultsDirectory;

/**
 * The files of a parity comparison: {@code PREFIX.csv} (one line per method, budget and metric) and
 * {@code PREFIX.md}, a "PyTorch parity" report section. {@code swa parity DIR PEER_DIR} writes them
 * with prefix {@code DIR/parity} by default ({@link ResultsDirectory#parity}); {@code swa report DIR}
 * includes {@code DIR/parity.md} in {@code report.md} and {@code report.html}, and first recomputes both
 * files when the peer's results are in {@code DIR/peer/} ({@link ResultsDirectory#peer}, {@link #refresh}).
 *
 * <p>CSV columns: {@value #HEADER}; NaN is an empty cell. The metrics are {@code accuracy}, {@code nll} and
 * {@code train_loss} (the training loss of the budget's last epoch, {@link ParityRow#trainLoss}), in that order
 * for each method and budget; a method without a training loss of its own (MultiSWAG) has no {@code train_loss}
 * line.
 */
public final class ParityFiles {

    /** The CSV header. */
    public static final String HEADER = "method,budget,metric,n_swa4j,mean_swa4j,std_swa4j,n_pytorch,mean_pytorch,std_pytorch,"
            + "difference,diff_ci95_low,diff_ci95_high,df,p_welch,note";

    private ParityFiles() {
    }

    /** Writes {@code prefix.csv} and {@code prefix.md} (atomically); returns the two paths. */
    public static List<Path> write(PeerComparison.Result result, Path prefix) throws IOException {
        Path csv = prefix.resolveSibling(prefix.getFileName() + ".csv");
        Path md = prefix.resolveSibling(prefix.getFileName() + ".md");
        AtomicFiles.writeString(csv, csv(result.rows()));
        AtomicFiles.writeString(md, markdown(result));
        return List.of(csv, md);
    }

    /**
     * For {@code swa report DIR}: when {@code DIR/peer/} holds the peer's results, rewrites
     * {@code DIR/parity.csv} and {@code DIR/parity.md}; a refused comparison becomes a section that says
     * why (and the old CSV is removed), so the report never shows a stale or silently missing comparison.
     */
    public static void refresh(Path dir) throws IOException {
        ResultsDirectory results = new ResultsDirectory(dir);
        ResultsDirectory peer = new ResultsDirectory(results.peer());
        if (!Files.isRegularFile(peer.runOptions())) {
            return;
        }
        try {
            write(PeerComparison.compare(dir, peer.root()), results.parity());
        } catch (IllegalArgumentException e) {
            Files.deleteIfExists(results.parityTable());
            AtomicFiles.writeString(results.paritySection(), "## PyTorch parity\n\nNot compared with `" + dir.relativize(peer.root())
                    + "/`: " + e.getMessage().replace("\n  - ", " ").strip() + "\n");
        }
    }

    /** The CSV text of {@code rows}. */
    public static String csv(List<ParityRow> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (ParityRow r : rows) {
            line(sb, r, "accuracy", r.accuracy(), 4);
            line(sb, r, "nll", r.nll(), 5);
            if (r.trainLoss().nA() + r.trainLoss().nB() > 0) {
                line(sb, r, "train_loss", r.trainLoss(), 5);
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, ParityRow r, String metric, WelchComparison c, int decimals) {
        sb.append(String.join(",", r.method(), PeerComparison.budget(r.budget()), metric, Integer.toString(c.nA()),
                num(c.meanA(), decimals), num(c.stdA(), decimals), Integer.toString(c.nB()), num(c.meanB(), decimals),
                num(c.stdB(), decimals), num(c.difference(), decimals), num(c.ci95Low(), decimals), num(c.ci95High(), decimals),
                num(c.df(), 2), num(c.p(), 6), quoted(r.note()))).append('\n');
    }

    /** The "PyTorch parity" section (Markdown). */
    public static String markdown(PeerComparison.Result result) {
        Preset p = result.preset();
        StringBuilder md = new StringBuilder("## PyTorch parity\n\n");
        md.append("swa4j (`").append(result.swa4j().dir()).append("`, backend ").append(result.swa4j().backend())
                .append(") against the PyTorch peer `benchmarks/pytorch/parity.py` (`").append(result.peer().dir())
                .append("`, backend ").append(result.peer().backend()).append("), same preset `").append(p.name())
                .append("` (").append(p.dataset()).append(", ").append(p.model()).append(", B = ").append(p.budgetEpochs())
                .append(" epochs). The peer follows every deterministic rule of swa4j (data, batches, augmentation, ")
                .append("schedules, averaging, BatchNorm update, metrics); initial weights and arithmetic are the frameworks' own.\n\n");
        md.append("Test accuracy in percent and test NLL, mean ± sample std over the seeds that finished on each side; ")
                .append("Δ = swa4j − PyTorch with its 95% confidence interval (Welch–Satterthwaite degrees of freedom); ")
                .append("p: Welch's two-sided t-test. An interval that contains 0 means no difference was detected at this n.\n\n");
        md.append("| method | budget | n swa4j / PyTorch | accuracy swa4j | accuracy PyTorch | Δ accuracy [95% CI] | p | ")
                .append("NLL swa4j | NLL PyTorch | Δ NLL [95% CI] | p |\n");
        md.append("|:---|:---|:---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<String> notes = new ArrayList<>();
        for (ParityRow r : result.rows()) {
            WelchComparison a = r.accuracy();
            WelchComparison n = r.nll();
            md.append("| ").append(r.method().toUpperCase(Locale.ROOT)).append(" | ").append(PeerComparison.budget(r.budget()))
                    .append(" | ").append(a.nA()).append(" / ").append(a.nB())
                    .append(" | ").append(pm(a.meanA(), a.stdA(), 2)).append(" | ").append(pm(a.meanB(), a.stdB(), 2))
                    .append(" | ").append(delta(a, 2)).append(" | ").append(pValue(a.p()))
                    .append(" | ").append(pm(n.meanA(), n.stdA(), 3)).append(" | ").append(pm(n.meanB(), n.stdB(), 3))
                    .append(" | ").append(delta(n, 3)).append(" | ").append(pValue(n.p())).append(" |\n");
            if (!r.note().isEmpty()) {
                notes.add(r.method().toUpperCase(Locale.ROOT) + " at budget " + PeerComparison.budget(r.budget()) + ": " + r.note() + ".");
            }
        }
        if (!notes.isEmpty()) {
            md.append('\n').append(String.join(" ", notes)).append('\n');
        }
        List<ParityRow> trained = result.rows().stream().filter(r -> r.trainLoss().nA() + r.trainLoss().nB() > 0).toList();
        if (!trained.isEmpty()) {
            md.append("\nTraining loss of the budget's last epoch: the mean over its steps of the loss each step minimises ")
                    .append("(cross-entropy + ½·wd·Σw², training mode, augmented batches), as each side's records give it. ")
                    .append("It says whether the two frameworks fit the training data equally well, apart from how the ")
                    .append("networks generalise. EMA (weights averaged along SGD's run) and MultiSWAG train nothing of their ")
                    .append("own and have no row.\n\n");
            md.append("| method | budget | n swa4j / PyTorch | train loss swa4j | train loss PyTorch | Δ [95% CI] | p |\n");
            md.append("|:---|:---|:---|---:|---:|---:|---:|\n");
            for (ParityRow r : trained) {
                WelchComparison t = r.trainLoss();
                md.append("| ").append(r.method().toUpperCase(Locale.ROOT)).append(" | ").append(PeerComparison.budget(r.budget()))
                        .append(" | ").append(t.nA()).append(" / ").append(t.nB())
                        .append(" | ").append(pm(t.meanA(), t.stdA(), 4)).append(" | ").append(pm(t.meanB(), t.stdB(), 4))
                        .append(" | ").append(delta(t, 4)).append(" | ").append(pValue(t.p())).append(" |\n");
            }
        }
        md.append("\nRaw data: `parity.csv` (or the `--out` prefix of `swa parity`).\n");
        return md.toString();
    }

    private static String pm(double mean, double std, int decimals) {
        if (!Double.isFinite(mean)) {
            return "";
        }
        String m = String.format(Locale.ROOT, "%." + decimals + "f", mean);
        return Double.isFinite(std) ? m + String.format(Locale.ROOT, " ± %." + decimals + "f", std) : m;
    }

    private static String delta(WelchComparison c, int decimals) {
        if (!Double.isFinite(c.difference())) {
            return "";
        }
        String d = String.format(Locale.ROOT, "%+." + decimals + "f", c.difference());
        return Double.isFinite(c.ci95Low())
                ? d + String.format(Locale.ROOT, " [%+." + decimals + "f, %+." + decimals + "f]", c.ci95Low(), c.ci95High()) : d;
    }

    private static String pValue(double p) {
        if (!Double.isFinite(p)) {
            return "";
        }
        return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "";
    }

    private static String quoted(String s) {
        return s.isEmpty() ? "" : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
