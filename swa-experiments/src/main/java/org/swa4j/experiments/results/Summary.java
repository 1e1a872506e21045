package org.swa4j.experiments.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.stats.PairedTTest;
import org.swa4j.experiments.stats.SeedStatistics;
import org.swa4j.experiments.stats.WelchTest;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Aggregates finished run records into one row per (method, budget): mean, sample std and 95%
 * t-interval of the test accuracy over seeds ({@link SeedStatistics}), mean NLL and ECE, and two-sided
 * p-values of the method's accuracies against SGD's: Welch's test ({@link WelchTest}) and the paired
 * test by seed ({@link PairedTTest}), each against SGD at the same budget and against SGD at budget 1
 * (B; the paper compares SWA at 1.25 and 1.5 B with it). Empty for SGD itself and where SGD has no run
 * at the budget compared with. Running and diverged records are not counted. A method whose seeds share runs
 * (MultiSWAG, {@link #sharesRuns}) gets neither interval nor p-values.
 *
 * <p>The first twelve columns are those of earlier versions, in the same order; the p-values against
 * SGD at budget 1 and the paired ones follow them.
 */
public final class Summary {

    /** The columns of {@code summary.csv}, in order. */
    public static final List<String> COLUMNS = List.of("dataset", "model", "method", "budget", "n", "acc_mean",
            "acc_std", "acc_ci95_low", "acc_ci95_high", "nll_mean", "ece_mean", "p_vs_sgd", "p_vs_sgd_budget1",
            "p_paired_vs_sgd", "p_paired_vs_sgd_budget1");

    /** One seed's result at one budget. */
    private record Seeded(int seed, BudgetResult result) {
    }

    private Summary() {
    }

    /** The summary rows of {@code records}, ordered by method (sgd, ema, fge, swa) then budget. */
    public static List<SummaryRow> rows(List<RunRecord> records) {
        Map<String, Map<Double, List<Seeded>>> byMethod = new LinkedHashMap<>();
        String dataset = null;
        String model = null;
        for (RunRecord r : records) {
            if (!r.isFinished()) {
                continue;
            }
            dataset = r.preset().dataset();
            model = r.preset().model();
            for (BudgetResult b : r.results()) {
                byMethod.computeIfAbsent(r.method(), k -> new TreeMap<>()).computeIfAbsent(b.budget(), k -> new ArrayList<>())
                        .add(new Seeded(r.seed(), b));
            }
        }
        Map<Double, List<Seeded>> sgd = byMethod.getOrDefault("sgd", Map.of());
        List<SummaryRow> rows = new ArrayList<>();
        for (var method : byMethod.entrySet()) {
            for (var budget : method.getValue().entrySet()) {
                List<Seeded> results = budget.getValue();
                SeedStatistics s = SeedStatistics.of(accuracies(results));
                double nll = results.stream().mapToDouble(x -> x.result().nll()).average().orElseThrow();
                double ece = results.stream().mapToDouble(x -> x.result().ece()).average().orElseThrow();
                boolean isSgd = method.getKey().equals("sgd");
                List<Seeded> same = isSgd ? null : sgd.get(budget.getKey());
                List<Seeded> atOne = isSgd ? null : sgd.get(1.0);
                if (sharesRuns(records, method.getKey())) {
                    // not independent samples: no interval, no test (mean and std describe the seeds only)
                    rows.add(new SummaryRow(dataset, model, method.getKey(), budget.getKey(), s.n(), s.mean(), s.std(),
                            Double.NaN, Double.NaN, nll, ece, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
                    continue;
                }
                rows.add(new SummaryRow(dataset, model, method.getKey(), budget.getKey(), s.n(), s.mean(), s.std(),
                        s.ci95Low(), s.ci95High(), nll, ece, welch(results, same), welch(results, atOne), paired(results, same),
                        paired(results, atOne)));
            }
        }
        rows.sort(Comparator.comparingInt((SummaryRow r) -> methodOrder(r.method())).thenComparingDouble(SummaryRow::budget));
        return rows;
    }

    /**
     * Whether the finished records of {@code method} combine runs that other seeds' records combine too: MultiSWAG's
     * record of seed k mixes the SWAG models of seeds k..k+M-1 (cyclic), so with M &gt; 1 its seeds share runs and are
     * not independent samples, and a t-interval or t-test over them would overstate the evidence.
     */
    public static boolean sharesRuns(List<RunRecord> records, String method) {
        Map<Integer, Integer> used = new TreeMap<>();
        for (RunRecord r : records) {
            if (r.isFinished() && r.method().equals(method) && r.swag() != null && r.swag().members() != null) {
                for (int member : r.swag().members()) {
                    if (used.merge(member, 1, Integer::sum) > 1) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static double[] accuracies(List<Seeded> results) {
        return results.stream().mapToDouble(x -> x.result().accuracy()).toArray();
    }

    private static Map<Integer, Double> bySeed(List<Seeded> results) {
        Map<Integer, Double> out = new TreeMap<>();
        results.forEach(x -> out.put(x.seed(), x.result().accuracy()));
        return out;
    }

    /** Welch's p of {@code results} against {@code sgd}; NaN without SGD results. */
    private static double welch(List<Seeded> results, List<Seeded> sgd) {
        return sgd == null ? Double.NaN : WelchTest.pValue(accuracies(results), accuracies(sgd));
    }

    /** The paired p of {@code results} against {@code sgd} over their common seeds; NaN without SGD results. */
    private static double paired(List<Seeded> results, List<Seeded> sgd) {
        return sgd == null ? Double.NaN : PairedTTest.pValue(bySeed(results), bySeed(sgd));
    }

    static int methodOrder(String method) {
        int i = Preset.METHODS.indexOf(method);
        return i < 0 ? Preset.METHODS.size() : i;
    }

    /** The rows as a Tablesaw table with the {@link #COLUMNS}. */
    public static Table table(List<SummaryRow> rows) {
        return Table.create("summary",
                StringColumn.create("dataset", rows.stream().map(SummaryRow::dataset)),
                StringColumn.create("model", rows.stream().map(SummaryRow::model)),
                StringColumn.create("method", rows.stream().map(SummaryRow::method)),
                DoubleColumn.create("budget", rows.stream().mapToDouble(SummaryRow::budget)),
                IntColumn.create("n", rows.stream().mapToInt(SummaryRow::n).toArray()),
                DoubleColumn.create("acc_mean", rows.stream().mapToDouble(SummaryRow::accMean)),
                DoubleColumn.create("acc_std", rows.stream().mapToDouble(SummaryRow::accStd)),
                DoubleColumn.create("acc_ci95_low", rows.stream().mapToDouble(SummaryRow::accCi95Low)),
                DoubleColumn.create("acc_ci95_high", rows.stream().mapToDouble(SummaryRow::accCi95High)),
                DoubleColumn.create("nll_mean", rows.stream().mapToDouble(SummaryRow::nllMean)),
                DoubleColumn.create("ece_mean", rows.stream().mapToDouble(SummaryRow::eceMean)),
                DoubleColumn.create("p_vs_sgd", rows.stream().mapToDouble(SummaryRow::pVsSgd)),
                DoubleColumn.create("p_vs_sgd_budget1", rows.stream().mapToDouble(SummaryRow::pVsSgdBudget1)),
                DoubleColumn.create("p_paired_vs_sgd", rows.stream().mapToDouble(SummaryRow::pPairedVsSgd)),
                DoubleColumn.create("p_paired_vs_sgd_budget1", rows.stream().mapToDouble(SummaryRow::pPairedVsSgdBudget1)));
    }

    /** The CSV text: header {@link #COLUMNS}, one line per row, NaN written as an empty cell. */
    public static String csv(List<SummaryRow> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (SummaryRow r : rows) {
            sb.append(String.join(",", r.dataset(), r.model(), r.method(), budget(r.budget()), Integer.toString(r.n()),
                    num(r.accMean(), 4), num(r.accStd(), 4), num(r.accCi95Low(), 4), num(r.accCi95High(), 4),
                    num(r.nllMean(), 5), num(r.eceMean(), 4), num(r.pVsSgd(), 6), num(r.pVsSgdBudget1(), 6),
                    num(r.pPairedVsSgd(), 6), num(r.pPairedVsSgdBudget1(), 6))).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code summary.csv} atomically. */
    public static void write(Path file, List<SummaryRow> rows) throws IOException {
        AtomicFiles.writeString(file, csv(rows));
    }

    /** A budget as users write it: 1, 1.25, 1.5. */
    public static String budget(double b) {
        return b == Math.rint(b) ? Long.toString((long) b) : stripZeros(String.format(Locale.ROOT, "%.4f", b));
    }

    static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "";
    }

    private static String stripZeros(String s) {
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
