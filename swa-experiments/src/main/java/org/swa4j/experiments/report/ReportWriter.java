package org.swa4j.experiments.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.Summary;
import org.swa4j.experiments.results.SummaryRow;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Writes {@code report.md} and {@code report.html} of a results directory: what was run (preset,
 * command, machine), the comparison table (mean +/- std, 95% CI, NLL, ECE, Welch and paired p-values
 * against SGD at the same budget, or at budget 1 where SGD was not run at the row's budget, and the
 * paper's number with our difference where the preset matches a row of the paper), the figures of {@link Plots}, the per-seed results, every diverged run, and,
 * when {@code swa geometry DIR} has written {@code DIR/geometry.md}, that section as it is (its links
 * are relative to DIR; in the HTML through {@link MarkdownHtml}), and likewise the PyTorch parity section
 * {@code DIR/parity.md}.
 * It states what was measured; the paper's numbers are printed beside ours, never in their place.
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    /** Writes the report files and figures of {@code dir}. */
    public static void write(ResultsDirectory dir, Preset preset, String command, List<RunRecord> records, List<SummaryRow> summary)
            throws IOException {
        List<String> plots = Plots.write(dir.plots(), records, summary);
        Table table = comparisonTable(preset, summary, PaperNumbers.load());
        Table perSeed = perSeedTable(records);
        List<RunRecord> diverged = records.stream().filter(RunRecord::isDiverged).toList();
        List<RunRecord> unfinished = records.stream().filter(r -> !r.isFinished() && !r.isDiverged()).toList();
        Optional<Provenance> machine = records.stream().map(RunRecord::provenance).filter(p -> p != null).findFirst();

        StringBuilder md = new StringBuilder();
        md.append("# swa4j report: ").append(preset.name()).append("\n\n");
        md.append("**Finding.** ").append(Finding.of(summary)).append("\n\n");
        md.append(preset.description()).append("\n\n");
        StringBuilder setup = new StringBuilder();
        setup.append("- Data: `").append(preset.dataset()).append("`").append(limits(preset)).append("; model `")
                .append(preset.model()).append("`; SGD budget B = ").append(preset.budgetEpochs()).append(" epochs; batch ")
                .append(preset.batchSize()).append("; lr_init ").append(preset.lrInit()).append(", momentum ")
                .append(preset.momentum()).append(", weight decay ").append(preset.weightDecay()).append("\n");
        setup.append("- Methods: ").append(methodsLine(preset)).append("\n");
        setup.append("- Command: `").append(command).append("`\n");
        machine.ifPresent(p -> setup.append("- Machine: ").append(p.cpu()).append("; ").append(p.os()).append("; ")
                .append(p.jvm()).append("; threads ").append(p.threads()).append("; backend ").append(p.backend())
                .append("; layers ").append(p.layers()).append("; swa4j ").append(p.swa4jVersion()).append(" at ")
                .append(p.gitCommit()).append("; DL4J ").append(p.dl4jVersion()).append("\n"));
        setup.append("- Machine time: ").append(machineTime(records)).append("\n");
        md.append("## Results (test set)\n\n");
        md.append("Accuracy in percent, mean ± sample std over the seeds that finished; 95% CI from Student's t. ")
                .append(P_VALUES).append(" Budgets are multiples of B; `paper`: the published number for the same data set, ")
                .append("model, method, budget in epochs and budget.\n\n");
        md.append(markdown(table)).append('\n');
        String shared = sharedRunsNote(records);
        if (shared != null) {
            md.append(shared).append("\n\n");
        }
        if (!diverged.isEmpty()) {
            md.append("## Diverged runs (excluded from every average)\n\n");
            for (RunRecord r : diverged) {
                md.append("- ").append(r.method()).append(" seed ").append(r.seed()).append(": non-finite loss in epoch ")
                        .append(r.divergedEpoch()).append('\n');
            }
            md.append('\n');
        }
        if (!unfinished.isEmpty()) {
            md.append("## Unfinished runs (not counted)\n\n");
            for (RunRecord r : unfinished) {
                md.append("- ").append(r.method()).append(" seed ").append(r.seed()).append(": ").append(r.epochs().size())
                        .append(" epochs recorded\n");
            }
            md.append('\n');
        }
        md.append("## Figures\n\n");
        for (String p : plots) {
            md.append("![").append(p).append("](plots/").append(p).append(")\n\n");
        }
        md.append("## Setup\n\n").append(setup).append('\n');
        md.append("## Per seed\n\n").append(markdown(perSeed)).append('\n');
        md.append("Raw data: `summary.csv`, one JSON record per method and seed in `runs/`, the log in `swa.log`.\n");
        Optional<String> swag = swagSection(records);
        swag.ifPresent(g -> md.append('\n').append(g));
        Optional<String> geometry = section(dir.geometrySection());
        geometry.ifPresent(g -> md.append('\n').append(g.endsWith("\n") ? g : g + "\n"));
        Optional<String> ensembleGap = section(dir.ensembleGapSection());
        ensembleGap.ifPresent(g -> md.append('\n').append(g.endsWith("\n") ? g : g + "\n"));
        Optional<String> parity = section(dir.paritySection());
        parity.ifPresent(g -> md.append('\n').append(g.endsWith("\n") ? g : g + "\n"));
        String sections = String.join("\n", java.util.stream.Stream.of(swag, geometry, ensembleGap, parity).flatMap(Optional::stream)
                .toList());
        AtomicFiles.writeString(dir.reportMarkdown(), md.toString());
        AtomicFiles.writeString(dir.reportHtml(), html(preset, Finding.of(summary), setup.toString(), table, shared, perSeed,
                plots, diverged, sections.isEmpty() ? null : sections));
    }

    /**
     * How the SWAG and MultiSWAG results were made, from their records ({@code swag} of each record): the
     * settings, the source and the command, once per distinct combination; empty without such records.
     */
    static Optional<String> swagSection(List<RunRecord> records) {
        java.util.Map<String, List<Integer>> lines = new java.util.LinkedHashMap<>();
        for (RunRecord r : records) {
            if (r.swag() == null) {
                continue;
            }
            var g = r.swag().settings();
            String source = r.swag().source().replace("seed" + r.seed(), "seedK");
            String line = String.format(Locale.ROOT, "%s: rank %d, scale %s, %d samples, budgets %s%s; %s%s",
                    r.method().equals("swag") ? "SWAG" : "MultiSWAG",
                    g.rank(), g.scale(), g.samples(), g.budgets(), r.method().equals("multiswag") ? ", M = " + g.multiswagModels() : "",
                    r.method().equals("multiswag") ? "the mean of the SWAG model averages of seeds k..k+" + (g.multiswagModels() - 1)
                            + ", cyclic over the run's seeds" : source,
                    r.swag().command() == null ? "" : "; computed after the run by `" + r.swag().command() + "`");
            lines.computeIfAbsent(line, k -> new ArrayList<>()).add(r.seed());
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder("## SWAG and MultiSWAG\n\n");
        sb.append("SWAG's prediction is the Bayesian model average of S networks drawn from the Gaussian fitted to the weights SWA ")
                .append("averages, each with its BatchNorm statistics recomputed (S x (one BatchNorm-update pass + one test pass)); ")
                .append("MultiSWAG mixes the SWAG model averages of M seeds with equal weights.\n\n");
        lines.forEach((line, seeds) -> sb.append("- ").append(line).append(" (seeds ").append(seeds).append(")\n"));
        return Optional.of(sb.toString());
    }

    /**
     * Why MultiSWAG's rows have no interval and no p-values, with its model count and extra training, when its
     * records share runs ({@link Summary#sharesRuns}); null otherwise.
     */
    static String sharedRunsNote(List<RunRecord> records) {
        if (!Summary.sharesRuns(records, "multiswag")) {
            return null;
        }
        List<Integer> sizes = records.stream().filter(r -> r.isFinished() && r.method().equals("multiswag") && r.swag() != null
                && r.swag().members() != null).map(r -> r.swag().members().size()).distinct().sorted().toList();
        String m = sizes.size() == 1 ? Integer.toString(sizes.get(0)) : sizes.toString();
        return "MULTISWAG's result for seed k mixes the SWAG models of the runs of seeds k to k + M − 1 (cyclic), M = " + m
                + ": it costs M runs' training, and its seeds share runs, so they are not independent samples. Its mean and "
                + "std describe those mixtures; no 95% CI or p-value is given for it.";
    }

    /** What the p-value columns of the comparison table are. */
    static final String P_VALUES = "`p (Welch)`: two-sided Welch t-test (unequal variances) of the seeds' accuracies against "
            + "SGD's; `p (paired)`: two-sided paired t-test by seed (the runs of one seed share their initialisation and data "
            + "order across methods). Both compare with SGD at the budget in `vs SGD at budget`: the row's own budget where SGD "
            + "was run at it, else budget 1 (SGD's budget B), as the paper compares SWA at 1.25 and 1.5 B with SGD at B.";

    /** The comparison table shown in the report (strings, already formatted). */
    public static Table comparisonTable(Preset preset, List<SummaryRow> summary, PaperNumbers paper) {
        List<String[]> rows = new ArrayList<>();
        Set<Double> sgdBudgets = new HashSet<>();
        summary.stream().filter(r -> r.method().equals("sgd")).forEach(r -> sgdBudgets.add(r.budget()));
        for (SummaryRow r : summary) {
            boolean same = sgdBudgets.contains(r.budget());
            boolean compared = !r.method().equals("sgd") && (same || sgdBudgets.contains(1.0));
            String vs = compared ? Summary.budget(same ? r.budget() : 1.0) : "";
            double welch = !compared ? Double.NaN : same ? r.pVsSgd() : r.pVsSgdBudget1();
            double paired = !compared ? Double.NaN : same ? r.pPairedVsSgd() : r.pPairedVsSgdBudget1();
            String budget = Summary.budget(r.budget());
            Optional<PaperNumbers.Row> p = preset.paper() == null ? Optional.empty()
                    : paper.find(preset.paper().dataset(), preset.paper().model(), r.method(),
                            r.method().equals("fge") ? preset.fgeBudgetEpochs() : preset.budgetEpochs(), paperBudget(r));
            rows.add(new String[] {r.method().toUpperCase(), budget, Integer.toString(r.n()),
                    pm(r.accMean(), r.accStd()), interval(r), fmt(r.nllMean(), 3), fmt(r.eceMean(), 2), vs, pValue(welch),
                    pValue(paired),
                    p.map(x -> pm(x.accMean(), x.accStd())).orElse(""),
                    p.map(x -> String.format(Locale.ROOT, "%+.2f", r.accMean() - x.accMean())).orElse("")});
        }
        String[] names = {"method", "budget", "n", "accuracy", "95% CI", "NLL", "ECE", "vs SGD at budget", "p (Welch)", "p (paired)",
            "paper", "ours − paper"};
        Table t = Table.create("comparison");
        for (int c = 0; c < names.length; c++) {
            final int col = c;
            t.addColumns(StringColumn.create(names[c], rows.stream().map(r -> r[col])));
        }
        return t;
    }

    /** A row's budget as the paper's tables give it: FGE's result is one budget of its own (F epochs), the rest multiples of B. */
    static String paperBudget(SummaryRow r) {
        return r.method().equals("fge") ? "1" : Summary.budget(r.budget());
    }

    static Table perSeedTable(List<RunRecord> records) {
        StringColumn method = StringColumn.create("method");
        StringColumn seed = StringColumn.create("seed");
        StringColumn budget = StringColumn.create("budget");
        StringColumn epochs = StringColumn.create("epochs");
        StringColumn acc = StringColumn.create("accuracy");
        StringColumn nll = StringColumn.create("NLL");
        StringColumn ece = StringColumn.create("ECE");
        for (RunRecord r : records) {
            if (!r.isFinished()) {
                continue;
            }
            for (BudgetResult b : r.results()) {
                method.append(r.method().toUpperCase());
                seed.append(Integer.toString(r.seed()));
                budget.append(Summary.budget(b.budget()));
                epochs.append(Integer.toString(b.epochs()));
                acc.append(fmt(b.accuracy(), 2));
                nll.append(fmt(b.nll(), 4));
                ece.append(fmt(b.ece(), 2));
            }
        }
        return Table.create("per seed", method, seed, budget, epochs, acc, nll, ece);
    }

    /** A Tablesaw table of strings as a Markdown pipe table. */
    public static String markdown(Table t) {
        StringBuilder sb = new StringBuilder("|");
        for (String n : t.columnNames()) {
            sb.append(' ').append(n).append(" |");
        }
        sb.append("\n|");
        for (int c = 0; c < t.columnCount(); c++) {
            sb.append(c < 3 ? ":---|" : "---:|");
        }
        sb.append('\n');
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append('|');
            for (int c = 0; c < t.columnCount(); c++) {
                sb.append(' ').append(t.getString(r, c)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String htmlTable(Table t) {
        StringBuilder sb = new StringBuilder("<table>\n<tr>");
        for (String n : t.columnNames()) {
            sb.append("<th>").append(escape(n)).append("</th>");
        }
        sb.append("</tr>\n");
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append("<tr>");
            for (int c = 0; c < t.columnCount(); c++) {
                sb.append("<td>").append(escape(t.getString(r, c))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /**
     * A section another command wrote into the results directory, if there is one: {@code geometry.md}
     * ({@code swa geometry DIR}), {@code ensemble-gap.md} ({@code swa ensemble-gap DIR}) or
     * {@code parity.md} ({@code swa parity DIR PEER_DIR}, or the report from {@code DIR/peer/}).
     */
    static Optional<String> section(Path file) throws IOException {
        return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    private static String html(Preset preset, String finding, String setup, Table table, String shared, Table perSeed,
            List<String> plots, List<RunRecord> diverged, String geometry) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>swa4j report: ")
                .append(escape(preset.name())).append("</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
                        + "img{max-width:100%}</style></head><body>\n");
        h.append("<h1>swa4j report: ").append(escape(preset.name())).append("</h1>\n");
        h.append("<p><strong>Finding.</strong> ").append(escape(finding)).append("</p>\n");
        h.append("<p>").append(escape(preset.description())).append("</p>\n");
        h.append("<h2>Results (test set)</h2>\n<p>Accuracy in percent, mean ± sample std over seeds; 95% CI from "
                + "Student's t. ").append(escape(P_VALUES.replace("`", ""))).append("</p>\n");
        h.append(htmlTable(table));
        if (shared != null) {
            h.append("<p>").append(escape(shared)).append("</p>\n");
        }
        if (!diverged.isEmpty()) {
            h.append("<h2>Diverged runs (excluded from every average)</h2>\n<ul>\n");
            for (RunRecord r : diverged) {
                h.append("<li>").append(escape(r.method())).append(" seed ").append(r.seed()).append(": non-finite loss in epoch ")
                        .append(r.divergedEpoch()).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("<h2>Figures</h2>\n");
        for (String p : plots) {
            h.append("<p><img src=\"plots/").append(p).append("\" alt=\"").append(p).append("\"></p>\n");
        }
        h.append("<h2>Setup</h2>\n<ul>\n");
        for (String line : setup.split("\n")) {
            if (line.startsWith("- ")) {
                h.append("<li>").append(escape(line.substring(2)).replace("`", "")).append("</li>\n");
            }
        }
        h.append("</ul>\n<h2>Per seed</h2>\n").append(htmlTable(perSeed));
        if (geometry != null) {
            h.append(MarkdownHtml.toHtml(geometry));
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String limits(Preset p) {
        String s = "";
        if (p.trainLimit() != null) {
            s += ", stratified subset of " + p.trainLimit() + " training examples";
        }
        if (p.testLimit() != null) {
            s += ", stratified subset of " + p.testLimit() + " test examples";
        }
        return s;
    }

    private static String methodsLine(Preset p) {
        List<String> parts = new ArrayList<>();
        for (String m : p.methods()) {
            parts.add(switch (m) {
                case "sgd" -> "SGD (reference schedule, B epochs)";
                case "ema" -> "EMA of the weights along the SGD run (decay " + p.ema().decay() + " per iteration, BN recomputed)";
                case "fge" -> (p.fgeSharesSgdRun() ? "FGE from the SGD checkpoint at epoch " + p.fgeStartEpoch()
                        : "FGE in " + p.fgeBudgetEpochs() + " epochs of its own (an SGD run with the reference schedule over "
                        + p.fgeBudgetEpochs() + " epochs to epoch " + p.fgeStartEpoch() + ", then FGE)")
                        + " (cycle " + p.fge().cycleEpochs()
                        + " epochs, lr " + p.fge().lr1() + " -> " + p.fge().lr2() + ", mean softmax of the snapshots)";
                case "swa" -> "SWA (" + p.swaEpochs() + " epochs, averaging every " + p.swa().everyEpochs()
                        + " epoch(s) from epoch " + p.swa().start() + ", swa_lr " + p.swa().lr() + ", BN update before each evaluation)";
                case "swag" -> "SWAG along the SWA run (collected where SWA averages, rank " + p.swagOptions().rank()
                        + "; model average of " + p.swagOptions().samples() + " draws at scale " + p.swagOptions().scale()
                        + ", each BN-updated; budgets " + p.swagBudgets() + ")";
                case "multiswag" -> "MultiSWAG (the mean of the SWAG model averages of seeds k..k+"
                        + (p.swagOptions().multiswagModels() - 1) + ", cyclic)";
                default -> m;
            });
        }
        return String.join("; ", parts);
    }

    /**
     * The jobs' own clocks (the last epoch's {@code seconds}: training, BatchNorm updates and evaluations,
     * summed over the processes of a resumed job), in all and per job: the ema record shares the sgd job's
     * clock and the swag record the swa job's, so each job is counted once.
     */
    static String machineTime(List<RunRecord> records) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Set<Integer>> seeds = new LinkedHashMap<>();
        for (String job : JOBS.keySet()) {
            for (RunRecord r : records) {
                if (r.method().equals(job) && !r.epochs().isEmpty()) {
                    seconds.merge(job, r.epochs().get(r.epochs().size() - 1).seconds(), Double::sum);
                    seeds.computeIfAbsent(job, k -> new HashSet<>()).add(r.seed());
                }
            }
        }
        for (RunRecord r : records) {
            String job = r.method().equals("ema") ? "sgd" : r.method().equals("swag") ? "swa" : null;
            if (job != null && !r.epochs().isEmpty() && !seeds.getOrDefault(job, Set.of()).contains(r.seed())) {
                seconds.merge(job, r.epochs().get(r.epochs().size() - 1).seconds(), Double::sum);
                seeds.computeIfAbsent(job, k -> new HashSet<>()).add(r.seed());
            }
        }
        int untimed = 0;
        for (RunRecord r : records) {
            if (r.method().equals("swag") && r.isFinished() && r.swag() != null && r.swag().command() != null) {
                if (r.swag().seconds() == null) {
                    untimed++;
                } else {
                    seconds.merge(AFTER_THE_RUN, r.swag().seconds(), Double::sum);
                    seeds.computeIfAbsent(AFTER_THE_RUN, k -> new HashSet<>()).add(r.seed());
                }
            }
        }
        double total = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        List<String> parts = new ArrayList<>();
        seconds.forEach((job, sec) -> parts.add(String.format(Locale.ROOT, "%s %s (%s, %s a seed)", JOBS.get(job), duration(sec),
                seeds.get(job).size() == 1 ? "1 seed" : seeds.get(job).size() + " seeds", duration(sec / seeds.get(job).size()))));
        return duration(total) + " of training and evaluation summed over the jobs" + (parts.isEmpty() ? "" : ": " + String.join("; ", parts))
                + (untimed == 0 ? "" : String.format(Locale.ROOT, "; not counted: the SWAG of %d %s computed after the run by a "
                        + "swa4j that did not yet record its time", untimed, untimed == 1 ? "seed" : "seeds"));
    }

    /** The clock of SWAG computed after the run ({@code swa swag DIR}), counted apart from the SWA job's. */
    private static final String AFTER_THE_RUN = "swag-after-the-run";

    /** The jobs with a clock of their own, and what each trains. */
    private static final Map<String, String> JOBS = new LinkedHashMap<>();

    static {
        JOBS.put("sgd", "SGD and EMA");
        JOBS.put("fge", "FGE");
        JOBS.put("swa", "SWA and SWAG");
        JOBS.put(AFTER_THE_RUN, "SWAG after the run (swa swag)");
    }

    /** Seconds as {@code 42 s}, {@code 12.3 min} or {@code 4.56 h}. */
    static String duration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        return seconds < 7200 ? String.format(Locale.ROOT, "%.1f min", seconds / 60) : String.format(Locale.ROOT, "%.2f h", seconds / 3600);
    }

    private static String pm(double mean, double std) {
        return Double.isFinite(std) ? String.format(Locale.ROOT, "%.2f ± %.2f", mean, std) : String.format(Locale.ROOT, "%.2f", mean);
    }

    private static String interval(SummaryRow r) {
        return Double.isFinite(r.accCi95Low()) ? String.format(Locale.ROOT, "[%.2f, %.2f]", r.accCi95Low(), r.accCi95High()) : "";
    }

    private static String pValue(double p) {
        if (!Double.isFinite(p)) {
            return "";
        }
        return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String fmt(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "";
    }
}
