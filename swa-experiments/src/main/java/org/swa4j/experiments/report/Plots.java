package org.swa4j.experiments.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.SummaryRow;

/**
 * The report's figures as PNG files (XChart): test error against epoch for SGD and SWA (mean over
 * seeds, as the paper's Figure 3), the learning-rate schedules of each method, and test accuracy
 * against budget with one-standard-deviation error bars.
 */
public final class Plots {

    public static final String TEST_ERROR = "test-error.png";
    public static final String LEARNING_RATE = "learning-rate.png";
    public static final String ACCURACY_BUDGET = "accuracy-budget.png";

    private Plots() {
    }

    /** Writes the three figures into {@code dir}; returns the file names written. */
    public static List<String> write(Path dir, List<RunRecord> records, List<SummaryRow> summary) throws IOException {
        List<String> written = new ArrayList<>();
        XYChart error = chart("Test error (mean over seeds)", "epoch", "test error (%)");
        for (String method : List.of("sgd", "swa", "ema")) {
            Map<Integer, double[]> curve = meanByEpoch(records, method, m -> m.testAccuracy() == null ? null : 100 - m.testAccuracy());
            addSeries(error, method.toUpperCase(), curve);
        }
        if (save(error, dir.resolve(TEST_ERROR))) {
            written.add(TEST_ERROR);
        }
        XYChart lr = chart("Learning-rate schedules (seed of the first record)", "epoch", "learning rate");
        for (String method : List.of("sgd", "fge", "swa")) {
            records.stream().filter(r -> r.method().equals(method) && !r.epochs().isEmpty()).findFirst().ifPresent(r -> {
                Map<Integer, double[]> curve = new TreeMap<>();
                for (EpochMetrics m : r.epochs()) {
                    if (m.lr() != null) {
                        curve.put(m.epoch(), new double[] {m.lr(), 1});
                    }
                }
                addSeries(lr, method.toUpperCase(), curve);
            });
        }
        if (save(lr, dir.resolve(LEARNING_RATE))) {
            written.add(LEARNING_RATE);
        }
        XYChart budget = chart("Test accuracy against budget (mean +/- std over seeds)", "budget (x SGD budget)", "test accuracy (%)");
        for (String method : List.of("sgd", "ema", "fge", "swa")) {
            List<SummaryRow> rows = summary.stream().filter(r -> r.method().equals(method)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            double[] x = rows.stream().mapToDouble(SummaryRow::budget).toArray();
            double[] y = rows.stream().mapToDouble(SummaryRow::accMean).toArray();
            double[] e = rows.stream().mapToDouble(r -> Double.isFinite(r.accStd()) ? r.accStd() : 0).toArray();
            XYSeries s = budget.addSeries(method.toUpperCase(), x, y, e);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        if (save(budget, dir.resolve(ACCURACY_BUDGET))) {
            written.add(ACCURACY_BUDGET);
        }
        return written;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(5);
        return c;
    }

    /** Mean over seeds of {@code value} per epoch, {@code {mean, count}}; null values skipped. */
    static Map<Integer, double[]> meanByEpoch(List<RunRecord> records, String method, Function<EpochMetrics, Double> value) {
        Map<Integer, double[]> sums = new TreeMap<>();
        for (RunRecord r : records) {
            if (!r.method().equals(method) || !r.isFinished()) {
                continue;
            }
            for (EpochMetrics m : r.epochs()) {
                Double v = value.apply(m);
                if (v != null) {
                    double[] s = sums.computeIfAbsent(m.epoch(), k -> new double[2]);
                    s[0] += v;
                    s[1]++;
                }
            }
        }
        sums.replaceAll((k, s) -> new double[] {s[0] / s[1], s[1]});
        return sums;
    }

    private static void addSeries(XYChart chart, String name, Map<Integer, double[]> curve) {
        if (curve.isEmpty()) {
            return;
        }
        double[] x = curve.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
        double[] y = curve.values().stream().mapToDouble(v -> v[0]).toArray();
        chart.addSeries(name, x, y);
    }

    private static boolean save(XYChart chart, Path file) throws IOException {
        if (chart.getSeriesMap().isEmpty()) {
            return false;
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
        return true;
    }
}
