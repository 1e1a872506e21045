package org.swa4j.experiments.shift;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.swa4j.experiments.geometry.CsvTable;
import org.swa4j.experiments.stats.SeedStatistics;

/**
 * The summary over seeds of {@code shift.csv}, written as {@code shift-summary.csv}: per method, corruption
 * and severity, the number of seeds n and, for accuracy, NLL and ECE, the mean and the 95% Student-t interval
 * over seeds ({@link SeedStatistics}; empty with one seed). Besides the clean row (severity 0) and one row per
 * corruption and severity, the rows of corruption {@value #MEAN} average each seed's values over the corruptions
 * evaluated at that severity first, then summarise over seeds (the "averaged over corruptions" curves).
 */
public final class ShiftSummary {

    /** The corruption name of the rows averaged over corruptions. */
    public static final String MEAN = "mean";

    static final String[] COLUMNS = {"method", "corruption", "severity", "n", "acc_mean", "acc_ci95_low", "acc_ci95_high",
        "nll_mean", "nll_ci95_low", "nll_ci95_high", "ece_mean", "ece_ci95_low", "ece_ci95_high"};

    /** One summary row: the statistics of each metric over the seeds. */
    public record Row(String method, String corruption, int severity, int n, double[] mean, double[] low, double[] high) {
        /** The mean of {@code metric} over seeds. */
        public double mean(ShiftMetric metric) {
            return mean[metric.ordinal()];
        }

        /** The 95% interval of {@code metric} (NaN with one seed). */
        public double[] interval(ShiftMetric metric) {
            return new double[] {low[metric.ordinal()], high[metric.ordinal()]};
        }
    }

    private ShiftSummary() {
    }

    /** The summary rows of {@code rows}, methods in their order of appearance, then clean, each corruption, and the mean. */
    public static List<Row> of(List<ShiftRow> rows) {
        Map<String, Map<String, Map<Integer, Map<Integer, double[]>>>> byMethod = new LinkedHashMap<>();
        for (ShiftRow r : rows) {
            double[] v = {r.accuracy(), r.nll(), r.ece()};
            byMethod.computeIfAbsent(r.method(), k -> new LinkedHashMap<>()).computeIfAbsent(r.corruption(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.severity(), k -> new TreeMap<>()).put(r.seed(), v);
        }
        List<Row> out = new ArrayList<>();
        for (var method : byMethod.entrySet()) {
            Map<Integer, Map<Integer, List<double[]>>> mean = new TreeMap<>();
            for (var corruption : method.getValue().entrySet()) {
                for (var severity : corruption.getValue().entrySet()) {
                    out.add(row(method.getKey(), corruption.getKey(), severity.getKey(), List.copyOf(severity.getValue().values())));
                    if (severity.getKey() > 0) {
                        severity.getValue().forEach((seed, v) -> mean.computeIfAbsent(severity.getKey(), k -> new TreeMap<>())
                                .computeIfAbsent(seed, k -> new ArrayList<>()).add(v));
                    }
                }
            }
            for (var severity : mean.entrySet()) {
                List<double[]> perSeed = new ArrayList<>();
                for (List<double[]> values : severity.getValue().values()) {
                    double[] avg = new double[3];
                    values.forEach(v -> {
                        for (int m = 0; m < 3; m++) {
                            avg[m] += v[m] / values.size();
                        }
                    });
                    perSeed.add(avg);
                }
                out.add(row(method.getKey(), MEAN, severity.getKey(), perSeed));
            }
        }
        return out;
    }

    private static Row row(String method, String corruption, int severity, List<double[]> values) {
        double[] mean = new double[3];
        double[] low = new double[3];
        double[] high = new double[3];
        for (int m = 0; m < 3; m++) {
            final int k = m;
            SeedStatistics s = SeedStatistics.of(values.stream().mapToDouble(v -> v[k]).toArray());
            mean[m] = s.mean();
            low[m] = s.ci95Low();
            high[m] = s.ci95High();
        }
        return new Row(method, corruption, severity, values.size(), mean, low, high);
    }

    /** Writes {@code rows} as {@code shift-summary.csv}. */
    public static void write(Path file, List<Row> rows) throws IOException {
        CsvTable t = new CsvTable(COLUMNS);
        for (Row r : rows) {
            t.add(r.method(), r.corruption(), r.severity(), r.n(), r.mean[0], r.low[0], r.high[0], r.mean[1], r.low[1], r.high[1],
                    r.mean[2], r.low[2], r.high[2]);
        }
        t.write(file);
    }

    /** Reads a {@code shift-summary.csv}; rejects another header or a malformed line, naming the file and line. */
    public static List<Row> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).equals(String.join(",", COLUMNS))) {
            throw new IllegalArgumentException(file + " is not a shift summary: its header is not " + String.join(",", COLUMNS));
        }
        List<Row> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length != COLUMNS.length) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " has " + f.length + " fields, expected " + COLUMNS.length);
            }
            try {
                double[] mean = {number(f[4]), number(f[7]), number(f[10])};
                double[] low = {number(f[5]), number(f[8]), number(f[11])};
                double[] high = {number(f[6]), number(f[9]), number(f[12])};
                out.add(new Row(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), mean, low, high));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static double number(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }
}
