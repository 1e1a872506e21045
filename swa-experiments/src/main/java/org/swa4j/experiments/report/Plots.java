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
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.experiments.metrics.Reliability;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.SummaryRow;
import org.swa4j.experiments.runner.Schedules;

/**
 * The report's figures as PNG files (XChart): test error against epoch for every method (mean over
 * seeds, as the paper's Figure 3; FGE is its ensemble, EMA and SWA their averages), the learning
 * rates as the runs set them (SGD and SWA per epoch, FGE and cyclic SWA per iteration, with FGE's
 * snapshot points), test accuracy against budget with 95% confidence intervals, the methods side
 * by side at each budget, and the reliability diagrams of SGD, SWA, SWAG and MultiSWAG: accuracy against
 * confidence in the ECE's 15 bins at each method's largest budget, the seeds' bins pooled
 * ({@link Reliability#pooled}), with the diagonal of perfect calibration.
 */
public final class Plots {

    public static final String TEST_ERROR = "test-error.png";
    public static final String LEARNING_RATE = "learning-rate.png";
    public static final String ACCURACY_BUDGET = "accuracy-budget.png";
    public static final String RELIABILITY = "reliability.png";

    private static final List<String> METHODS = List.of("sgd", "ema", "fge", "swa");
    private static final List<String> BUDGET_METHODS = List.of("sgd", "ema", "fge", "swa", "swag", "multiswag");
    /** The methods whose reliability diagrams are drawn. */
    static final List<String> RELIABILITY_METHODS = List.of("sgd", "swa", "swag", "multiswag");

    private Plots() {
    }

    /** Writes the three figures into {@code dir}; returns the file names written. */
    public static List<String> write(Path dir, List<RunRecord> records, List<SummaryRow> summary) throws IOException {
        List<String> written = new ArrayList<>();
        XYChart error = chart("Test error (mean over seeds)", "epoch", "test error (%)");
        for (String method : METHODS) {
            Map<Integer, double[]> curve = meanByEpoch(records, method, m -> m.testAccuracy() == null ? null : 100 - m.testAccuracy());
            addSeries(error, label(method), curve);
        }
        if (save(error, dir.resolve(TEST_ERROR))) {
            written.add(TEST_ERROR);
        }
        XYChart lr = chart("Learning rates as set (seed of the first record)", "epoch", "learning rate");
        for (String method : List.of("sgd", "fge", "swa")) {
            records.stream().filter(r -> r.method().equals(method) && !r.epochs().isEmpty()).findFirst()
                    .ifPresent(r -> learningRates(lr, r));
        }
        if (save(lr, dir.resolve(LEARNING_RATE))) {
            written.add(LEARNING_RATE);
        }
        XYChart budget = chart("Test accuracy against budget: mean and 95% CI over seeds", "budget (x SGD budget)",
                "test accuracy (%)");
        double width = 0.06;
        for (int k = 0; k < BUDGET_METHODS.size(); k++) {
            String method = BUDGET_METHODS.get(k);
            List<SummaryRow> rows = summary.stream().filter(r -> r.method().equals(method)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            double offset = (k - (BUDGET_METHODS.size() - 1) / 2.0) * width / (BUDGET_METHODS.size() - 1);
            double[] x = rows.stream().mapToDouble(r -> r.budget() + offset).toArray();
            double[] y = rows.stream().mapToDouble(SummaryRow::accMean).toArray();
            double[] e = rows.stream().mapToDouble(r -> Double.isFinite(r.accCi95High()) ? r.accCi95High() - r.accMean() : 0).toArray();
            XYSeries s = budget.addSeries(label(method), x, y, e);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        if (save(budget, dir.resolve(ACCURACY_BUDGET))) {
            written.add(ACCURACY_BUDGET);
        }
        if (save(reliability(records), dir.resolve(RELIABILITY))) {
            written.add(RELIABILITY);
        }
        return written;
    }

    /** Accuracy against confidence per bin for {@link #RELIABILITY_METHODS}, and the diagonal; no series without diagrams. */
    private static XYChart reliability(List<RunRecord> records) {
        XYChart c = chart("Reliability at the largest budget, seeds pooled (15 confidence bins)", "confidence (%)", "accuracy (%)");
        for (String method : RELIABILITY_METHODS) {
            pooledReliability(records, method).ifPresent(r -> {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (int b = 0; b < r.count().size(); b++) {
                    if (r.count().get(b) > 0) {
                        x.add(r.confidence().get(b));
                        y.add(r.accuracy().get(b));
                    }
                }
                XYSeries s = c.addSeries(label(method), x.stream().mapToDouble(Double::doubleValue).toArray(),
                        y.stream().mapToDouble(Double::doubleValue).toArray());
                s.setMarker(SeriesMarkers.CIRCLE);
            });
        }
        if (!c.getSeriesMap().isEmpty()) {
            XYSeries diagonal = c.addSeries("perfect calibration", new double[] {0, 100}, new double[] {0, 100});
            diagonal.setMarker(SeriesMarkers.NONE);
            diagonal.setLineColor(Color.GRAY);
        }
        return c;
    }

    /**
     * The reliability diagram of {@code method} at its largest budget over the finished records that carry
     * one, the seeds' bins pooled; empty when none does (records written before diagrams were recorded).
     */
    public static java.util.Optional<Reliability> pooledReliability(List<RunRecord> records, String method) {
        List<BudgetResult> largest = new ArrayList<>();
        for (RunRecord r : records) {
            if (r.method().equals(method) && r.isFinished()) {
                r.results().stream().max(java.util.Comparator.comparingDouble(BudgetResult::budget)).ifPresent(largest::add);
            }
        }
        double top = largest.stream().mapToDouble(BudgetResult::budget).max().orElse(Double.NaN);
        List<Reliability> diagrams = largest.stream().filter(b -> b.budget() == top && b.reliability() != null)
                .map(BudgetResult::reliability).toList();
        return diagrams.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Reliability.pooled(diagrams));
    }

    private static String label(String method) {
        return switch (method) {
            case "fge" -> "FGE (ensemble)";
            case "ema" -> "EMA (average)";
            case "swa" -> "SWA (average)";
            case "swag" -> "SWAG (model average)";
            case "multiswag" -> "MultiSWAG";
            default -> method.toUpperCase(java.util.Locale.ROOT);
        };
    }

    /**
     * The rates of one record: SGD and reference-schedule SWA hold one rate per epoch (drawn as steps);
     * FGE and cyclic SWA change it every iteration, recomputed from the preset with the runner's own
     * schedule functions and the record's step counts (records without step counts: one point per epoch).
     */
    private static void learningRates(XYChart chart, RunRecord r) {
        Preset p = r.preset();
        long perEpoch = r.epochs().stream().map(EpochMetrics::iterations).filter(java.util.Objects::nonNull).findFirst().orElse(0L);
        boolean cyclicSwa = r.method().equals("swa") && p.swa() != null && "cyclic".equals(p.swa().schedule());
        if ((r.method().equals("fge") || cyclicSwa) && perEpoch > 0) {
            int first = r.epochs().get(0).epoch() - 1;
            long total = perEpoch * r.epochs().size();
            // the schedule objects the training loop runs (runner.Schedules), iterations counted from the run's first epoch
            FgeSchedule fge = r.method().equals("fge") ? Schedules.fgeSchedule(p, perEpoch) : null;
            Schedules.Rate cyclic = fge == null ? Schedules.swaRate(p, perEpoch) : null;
            long averagingCycle = fge == null ? (long) p.swa().everyEpochs() * perEpoch : 0;
            double[] x = new double[(int) total];
            double[] y = new double[(int) total];
            List<double[]> snapshots = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                x[i] = first + (i + 1.0) / perEpoch;
                y[i] = fge != null ? fge.valueAt(i, 0) : cyclic.at(i, 0);
                if (fge != null ? fge.isSnapshotIteration(i) : (i + 1) % averagingCycle == 0) {
                    snapshots.add(new double[] {x[i], y[i]});
                }
            }
            XYSeries s = chart.addSeries(r.method().toUpperCase(java.util.Locale.ROOT) + " per iteration", x, y);
            s.setMarker(SeriesMarkers.NONE);
            if (!snapshots.isEmpty()) {
                XYSeries m = chart.addSeries(r.method().equals("fge") ? "FGE snapshots" : "SWA averaging points",
                        snapshots.stream().mapToDouble(v -> v[0]).toArray(), snapshots.stream().mapToDouble(v -> v[1]).toArray());
                m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                m.setMarker(SeriesMarkers.DIAMOND);
            }
            return;
        }
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochMetrics m : r.epochs()) {
            if (m.lr() != null) {
                x.add(m.epoch() - 1.0);
                y.add(m.lr());
                x.add((double) m.epoch());
                y.add(m.lr());
            }
        }
        if (!x.isEmpty()) {
            boolean perIteration = r.method().equals("fge") || cyclicSwa;
            XYSeries s = chart.addSeries(r.method().toUpperCase(java.util.Locale.ROOT) + " per epoch"
                    + (perIteration ? " (the record has no step counts)" : ""), x.stream().mapToDouble(Double::doubleValue).toArray(),
                    y.stream().mapToDouble(Double::doubleValue).toArray());
            s.setMarker(SeriesMarkers.NONE);
        }
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
