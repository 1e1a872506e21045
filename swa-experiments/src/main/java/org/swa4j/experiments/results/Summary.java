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
import org.swa4j.experiments.stats.SeedStatistics;
import org.swa4j.experiments.stats.WelchTest;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Aggregates finished run records into one row per (method, budget): mean, sample std and 95%
 * t-interval of the test accuracy over seeds ({@link SeedStatistics}), mean NLL and ECE, and the
 * two-sided Welch p-value of the method's accuracies against SGD's at the same budget
 * ({@link WelchTest}; empty for SGD and where SGD has no run at that budget). Running and diverged
 * records are not counted.
 */
public final class Summary {

    /** The columns of {@code summary.csv}, in order. */
    public static final List<String> COLUMNS = List.of("dataset", "model", "method", "budget", "n", "acc_mean",
            "acc_std", "acc_ci95_low", "acc_ci95_high", "nll_mean", "ece_mean", "p_vs_sgd");

    private Summary() {
    }

    /** The summary rows of {@code records}, ordered by method (sgd, ema, fge, swa) then budget. */
    public static List<SummaryRow> rows(List<RunRecord> records) {
        Map<String, Map<Double, List<BudgetResult>>> byMethod = new LinkedHashMap<>();
        String dataset = null;
        String model = null;
        for (RunRecord r : records) {
            if (!r.isFinished()) {
                continue;
            }
            dataset = r.preset().dataset();
            model = r.preset().model();
            for (BudgetResult b : r.results()) {
                byMethod.computeIfAbsent(r.method(), k -> new TreeMap<>()).computeIfAbsent(b.budget(), k -> new ArrayList<>()).add(b);
            }
        }
        Map<Double, List<BudgetResult>> sgd = byMethod.getOrDefault("sgd", Map.of());
        List<SummaryRow> rows = new ArrayList<>();
        for (var method : byMethod.entrySet()) {
            for (var budget : method.getValue().entrySet()) {
                double[] acc = budget.getValue().stream().mapToDouble(BudgetResult::accuracy).toArray();
                SeedStatistics s = SeedStatistics.of(acc);
                double nll = budget.getValue().stream().mapToDouble(BudgetResult::nll).average().orElseThrow();
                double ece = budget.getValue().stream().mapToDouble(BudgetResult::ece).average().orElseThrow();
                double p = Double.NaN;
                if (!method.getKey().equals("sgd") && sgd.containsKey(budget.getKey())) {
                    p = WelchTest.pValue(acc, sgd.get(budget.getKey()).stream().mapToDouble(BudgetResult::accuracy).toArray());
                }
                rows.add(new SummaryRow(dataset, model, method.getKey(), budget.getKey(), s.n(), s.mean(), s.std(),
                        s.ci95Low(), s.ci95High(), nll, ece, p));
            }
        }
        rows.sort(Comparator.comparingInt((SummaryRow r) -> methodOrder(r.method())).thenComparingDouble(SummaryRow::budget));
        return rows;
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
                DoubleColumn.create("p_vs_sgd", rows.stream().mapToDouble(SummaryRow::pVsSgd)));
    }

    /** The CSV text: header {@link #COLUMNS}, one line per row, NaN written as an empty cell. */
    public static String csv(List<SummaryRow> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (SummaryRow r : rows) {
            sb.append(String.join(",", r.dataset(), r.model(), r.method(), budget(r.budget()), Integer.toString(r.n()),
                    num(r.accMean(), 4), num(r.accStd(), 4), num(r.accCi95Low(), 4), num(r.accCi95High(), 4),
                    num(r.nllMean(), 5), num(r.eceMean(), 4), num(r.pVsSgd(), 6))).append('\n');
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
