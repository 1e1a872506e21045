package org.swa4j.experiments.parity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.JsonDiff;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.ResultsFormat;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.Summary;
import org.swa4j.experiments.runner.RunOptions;

/**
 * Compares a swa4j results directory with the PyTorch peer's ({@code benchmarks/pytorch/parity.py}) for
 * the same preset: one {@link ParityRow} per method and budget found on either side, from the finished
 * records (diverged runs are left out and counted in the row's note; a method or budget on one side
 * only gets a row with n = 0 on the other, never dropped).
 *
 * <p>Refuses (IllegalArgumentException naming the cause): a path that is not a results directory; two
 * directories whose presets differ in anything that defines the experiment (every field except
 * {@code name}, {@code description}, {@code layers}, {@code seeds}, {@code methods},
 * {@code swa.keep_snapshots} and {@code paper}), naming each differing field with both values; different
 * results formats (the training rules of two swa4j versions); a directory whose records were run with
 * another configuration than its {@code run.json}; and the peer's directory given first (its records
 * name a PyTorch backend and the other's do not), which would flip the sign of every difference.
 */
public final class PeerComparison {

    /** Preset fields that may differ between the two sides: they do not change what is trained. */
    static final List<String> FREE_FIELDS = List.of("name", "description", "layers", "seeds", "methods", "swa.keep_snapshots",
            "paper");

    /** The note of a MultiSWAG row, which has means but no interval or p. */
    static final String MIXTURE_NOTE = "each result mixes the SWAG models of M seeds that the other results reuse, so they are "
            + "not independent samples: means only, no interval or p";

    /** The backend named in the provenance of the peer's records starts with this. */
    public static final String PEER_BACKEND = "PyTorch";

    /** What was read from one results directory. */
    public record Side(Path dir, RunOptions options, List<RunRecord> records) {

        /** The backend of the first record that has provenance, or "unknown". */
        public String backend() {
            return records.stream().filter(r -> r.provenance() != null).map(r -> r.provenance().backend()).findFirst()
                    .orElse("unknown");
        }

        boolean isPeer() {
            return backend().startsWith(PEER_BACKEND);
        }

        /**
         * Accuracies, NLLs and training losses of the finished records of {@code method} at {@code budget}; the
         * training loss is that of the epoch row of the budget's last epoch, where the record has one with a loss.
         */
        double[][] values(String method, double budget) {
            List<BudgetResult> found = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            for (RunRecord r : records) {
                if (r.isFinished() && r.method().equals(method)) {
                    for (BudgetResult b : r.results()) {
                        if (b.budget() == budget) {
                            found.add(b);
                            r.epochs().stream().filter(e -> e.epoch() == b.epochs() && e.trainLoss() != null).findFirst()
                                    .ifPresent(e -> losses.add(e.trainLoss()));
                        }
                    }
                }
            }
            return new double[][] {found.stream().mapToDouble(BudgetResult::accuracy).toArray(),
                found.stream().mapToDouble(BudgetResult::nll).toArray(), losses.stream().mapToDouble(Double::doubleValue).toArray()};
        }

        long diverged(String method) {
            return records.stream().filter(r -> r.isDiverged() && r.method().equals(method)).count();
        }

        TreeMap<String, TreeSet<Double>> budgets() {
            TreeMap<String, TreeSet<Double>> out = new TreeMap<>();
            for (RunRecord r : records) {
                if (r.isFinished() || r.isDiverged()) {
                    TreeSet<Double> b = out.computeIfAbsent(r.method(), k -> new TreeSet<>());
                    r.results().forEach(x -> b.add(x.budget()));
                }
            }
            return out;
        }
    }

    /** The comparison: both sides and the rows, ordered by method (sgd, ema, fge, swa) then budget. */
    public record Result(Side swa4j, Side peer, List<ParityRow> rows) {

        public Preset preset() {
            return swa4j.options().preset();
        }
    }

    private PeerComparison() {
    }

    /** Compares swa4j's results in {@code dir} with the peer's in {@code peerDir}. */
    public static Result compare(Path dir, Path peerDir) throws IOException {
        Side a = read(dir);
        Side b = read(peerDir);
        List<String> problems = new ArrayList<>();
        if (a.isPeer() && !b.isPeer()) {
            problems.add(dir + " holds the PyTorch peer's results (backend " + a.backend() + ") and " + peerDir
                    + " swa4j's: give swa4j's directory first, the peer's second");
        }
        int fa = ResultsFormat.of(a.options().resultsFormat());
        int fb = ResultsFormat.of(b.options().resultsFormat());
        if (fa != fb) {
            problems.add("results formats differ: " + fa + " in " + dir + ", " + fb + " in " + peerDir
                    + " (the two sides followed different initialisation and weight-decay rules)");
        }
        List<String> differences = presetDifferences(a.options().preset(), b.options().preset());
        if (!differences.isEmpty()) {
            problems.add("the presets differ (" + dir + " vs " + peerDir + "): " + String.join("; ", differences));
        }
        problems.addAll(new ResultsDirectory(dir).configurationProblems(a.options()));
        problems.addAll(new ResultsDirectory(peerDir).configurationProblems(b.options()));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("no parity comparison:\n  - " + String.join("\n  - ", problems));
        }
        return new Result(a, b, rows(a, b));
    }

    /** The fields that define the experiment and differ, as {@code "field: a vs b"}. */
    public static List<String> presetDifferences(Preset a, Preset b) {
        return JsonDiff.of(a, b).stream().filter(line -> FREE_FIELDS.stream().noneMatch(
                f -> line.startsWith(f + ":") || line.startsWith(f + "[") || line.startsWith(f + "."))).toList();
    }

    static Side read(Path dir) throws IOException {
        ResultsDirectory d = new ResultsDirectory(dir);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " does not exist or is not a directory");
        }
        if (!Files.isRegularFile(d.runOptions())) {
            throw new IllegalArgumentException(dir + " is not a results directory: " + d.runOptions() + " is missing");
        }
        return new Side(dir, Json.read(d.runOptions(), RunOptions.class), d.records());
    }

    private static List<ParityRow> rows(Side a, Side b) {
        TreeMap<String, TreeSet<Double>> budgetsA = a.budgets();
        TreeMap<String, TreeSet<Double>> budgetsB = b.budgets();
        TreeSet<String> methods = new TreeSet<>(Comparator.comparingInt(PeerComparison::methodOrder).thenComparing(m -> m));
        methods.addAll(budgetsA.keySet());
        methods.addAll(budgetsB.keySet());
        List<ParityRow> rows = new ArrayList<>();
        for (String m : methods) {
            TreeSet<Double> budgets = new TreeSet<>(budgetsA.getOrDefault(m, new TreeSet<>()));
            budgets.addAll(budgetsB.getOrDefault(m, new TreeSet<>()));
            if (budgets.isEmpty()) {
                budgets.add(1.0); // every run of this method diverged: still one row that says so
            }
            for (double budget : budgets) {
                double[][] va = a.values(m, budget);
                double[][] vb = b.values(m, budget);
                if (Summary.sharesRuns(a.records(), m) || Summary.sharesRuns(b.records(), m)) { // not independent samples, as in summary.csv
                    String note = note(a, b, m, va[0].length, vb[0].length);
                    rows.add(new ParityRow(m, budget, WelchComparison.withoutTest(va[0], vb[0]), WelchComparison.withoutTest(va[1], vb[1]),
                            WelchComparison.withoutTest(va[2], vb[2]), (note.isEmpty() ? "" : note + "; ") + MIXTURE_NOTE));
                    continue;
                }
                rows.add(new ParityRow(m, budget, WelchComparison.of(va[0], vb[0]), WelchComparison.of(va[1], vb[1]),
                        WelchComparison.of(va[2], vb[2]), note(a, b, m, va[0].length, vb[0].length)));
            }
        }
        return rows;
    }

    private static String note(Side a, Side b, String method, int nA, int nB) {
        List<String> parts = new ArrayList<>();
        if (nA > 0 && nB == 0) {
            parts.add("only in swa4j");
        } else if (nA == 0 && nB > 0) {
            parts.add("only in PyTorch");
        } else if (nA == 0) {
            parts.add("no finished run on either side");
        }
        long da = a.diverged(method);
        long db = b.diverged(method);
        if (da > 0) {
            parts.add(da + " swa4j run(s) diverged, left out");
        }
        if (db > 0) {
            parts.add(db + " PyTorch run(s) diverged, left out");
        }
        return String.join("; ", parts);
    }

    private static int methodOrder(String method) {
        int i = Preset.METHODS.indexOf(method);
        return i < 0 ? Preset.METHODS.size() : i;
    }

    /** The budget as users write it (1, 1.25, 1.5). */
    static String budget(double b) {
        return Summary.budget(b);
    }

    /** Rows keyed "method budget", for tests and callers that look one up. */
    public static Map<String, ParityRow> byKey(List<ParityRow> rows) {
        Map<String, ParityRow> out = new TreeMap<>();
        rows.forEach(r -> out.put(r.method() + " " + budget(r.budget()), r));
        return out;
    }
}
