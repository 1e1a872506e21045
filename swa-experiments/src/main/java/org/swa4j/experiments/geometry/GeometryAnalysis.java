package org.swa4j.experiments.geometry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The geometry of one run (one seed) around its SGD and SWA solutions: the line between them,
 * the width along random directions from each, the plane through three solutions and the
 * distances between them ({@link GeometrySettings} chooses which). Writes CSV files and PNG
 * figures into {@code outDir} and returns a Markdown section describing them.
 *
 * <p>At most these weight vectors are held at once: {@code w_SGD}, {@code w_SWA} and two working
 * vectors (line and width), or the plane's three basis vectors and one point. Model files are
 * checked against the SGD model's {@link NetworkSignature}; a mismatch is refused naming the file.
 */
public final class GeometryAnalysis {

    /**
     * One run's models.
     *
     * @param label            e.g. {@code seed1}; names the output folder
     * @param sgd              the SGD solution (its stored BN statistics are those it was evaluated with)
     * @param swa              the SWA solution (BN statistics recomputed, as evaluated)
     * @param snapshots        the weights averaged into SWA, in order (may be empty)
     * @param planePoints      three model files spanning the plane, or empty for the default
     *                         (first snapshot, SGD, SWA; no plane without snapshots)
     * @param recordedSgdError the run's recorded SGD test error in percent, or null
     * @param recordedSwaError the run's recorded SWA test error in percent, or null
     */
    public record Inputs(String label, Path sgd, Path swa, List<Path> snapshots, List<Path> planePoints,
                         Double recordedSgdError, Double recordedSwaError) {
        public Inputs {
            if (!planePoints.isEmpty() && planePoints.size() != 3) {
                throw new IllegalArgumentException("a plane needs exactly three model files, got " + planePoints.size());
            }
        }
    }

    private GeometryAnalysis() {
    }

    public static String run(Inputs in, GeometrySettings settings, EvaluationData data, BatchNormRecalibration batchNorm,
                             Path outDir, String linkPrefix, PrintStream log) throws IOException {
        Files.createDirectories(outDir);
        Model work = ModelFiles.load(in.sgd());
        NetworkSignature signature = NetworkSignature.of(work);
        PointEvaluator evaluator = new PointEvaluator(work, batchNorm, data.batchNormData(), data.batchNormPass(),
                settings.trainMetrics() ? data.trainData() : null, data.testData());
        TrainableParameters layout = evaluator.layout();
        PointMetrics sgdStored = evaluator.evaluateAsIs();
        INDArray wSgd = layout.read(work);
        Model swaModel = loadMatching(in.swa(), signature, in.sgd());
        PointMetrics swaStored = new PointEvaluator(swaModel, batchNorm, data.batchNormData(),
                settings.trainMetrics() ? data.trainData() : null, data.testData()).evaluateAsIs();
        INDArray wSwa = layout.read(swaModel);
        swaModel = null;

        List<Path> plane = in.planePoints().isEmpty() && !in.snapshots().isEmpty()
                ? List.of(in.snapshots().get(0), in.sgd(), in.swa()) : in.planePoints();
        boolean doPlane = settings.analyses().contains("plane") && !plane.isEmpty();
        Progress progress = new Progress("geometry " + in.label(), settings.pointCount(doPlane), log);
        StringBuilder md = new StringBuilder();
        md.append("### Geometry of ").append(in.label()).append("\n\n")
                .append(String.format(Locale.ROOT, "%d trainable parameters; data %s; BN statistics recomputed at every point%s.%n%n",
                        layout.length(), data.name(), layout.hasBatchNorm() ? "" : " (the model has no BatchNorm: nothing to recompute)"));

        if (settings.analyses().contains("distances")) {
            distances(in, signature, layout, wSgd, wSwa, outDir, linkPrefix, md);
        }
        if (settings.analyses().contains("line")) {
            line(in, settings, evaluator, wSgd, wSwa, sgdStored, swaStored, outDir, linkPrefix, progress, md);
        }
        if (settings.analyses().contains("width")) {
            width(settings, evaluator, wSgd, wSwa, outDir, linkPrefix, progress, md);
        }
        wSgd = null;
        wSwa = null;
        if (doPlane) {
            plane(plane, signature, in.sgd(), settings, evaluator, outDir, linkPrefix, progress, md);
        } else if (settings.analyses().contains("plane")) {
            md.append("**Plane**: skipped (no snapshots and no --plane models given).\n\n");
        }
        return md.toString();
    }

    private static Model loadMatching(Path file, NetworkSignature signature, Path reference) {
        Model m = ModelFiles.load(file);
        String mismatch = signature.mismatch(NetworkSignature.of(m));
        if (mismatch != null) {
            throw new IllegalArgumentException(file + " does not match " + reference + ": " + mismatch);
        }
        return m;
    }

    private static void distances(Inputs in, NetworkSignature signature, TrainableParameters layout, INDArray wSgd,
                                  INDArray wSwa, Path outDir, String link, StringBuilder md) throws IOException {
        CsvTable csv = new CsvTable("from", "to", "distance");
        double swaSgd = Distances.between(wSwa, wSgd);
        csv.add("swa", "sgd", swaSgd);
        md.append(String.format(Locale.ROOT, "**Distances** ([distances.csv](%sdistances.csv)): ||w_SWA - w_SGD|| = %.4f.", link, swaSgd));
        if (!in.snapshots().isEmpty()) {
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (Path snapshot : in.snapshots()) {
                INDArray w = layout.read(loadMatching(snapshot, signature, in.sgd()));
                double d = Distances.between(w, wSwa);
                csv.add(snapshot.getFileName().toString(), "swa", d);
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            md.append(String.format(Locale.ROOT, " The %d averaged snapshots lie %.4f to %.4f from w_SWA.",
                    in.snapshots().size(), min, max));
        }
        md.append("\n\n");
        csv.write(outDir.resolve("distances.csv"));
    }

    private static void line(Inputs in, GeometrySettings s, PointEvaluator evaluator, INDArray wSgd, INDArray wSwa,
                             PointMetrics sgdStored, PointMetrics swaStored, Path outDir, String link,
                             Progress progress, StringBuilder md) throws IOException {
        double[] ts = LineScan.grid(s.lineFrom(), s.lineTo(), s.lineStep());
        List<LineScan.Point> points = LineScan.run(evaluator, wSgd, wSwa, ts, progress);
        CsvTable csv = new CsvTable("t", "train_loss", "train_error", "test_loss", "test_error");
        LineScan.Point best = points.get(0);
        for (LineScan.Point p : points) {
            PointMetrics m = p.metrics();
            csv.add(p.t(), m.trainLoss(), m.trainError(), m.testLoss(), m.testError());
            if (m.testError() < best.metrics().testError()) {
                best = p;
            }
        }
        csv.write(outDir.resolve("line.csv"));
        CsvTable check = new CsvTable("solution", "t", "recorded_test_error", "stored_bn_test_error", "recomputed_bn_test_error");
        md.append(String.format(Locale.ROOT, "**Line** w(t) = w_SGD + t (w_SWA - w_SGD), t in [%s, %s] step %s, %d points "
                + "([line.csv](%sline.csv)); lowest test error %.2f%% at t = %s.%n%n",
                s.lineFrom(), s.lineTo(), s.lineStep(), ts.length, link, best.metrics().testError(), best.t()));
        md.append("| solution | recorded test error (%) | as saved (own BN statistics) | BN recomputed on the line |\n|---|---|---|---|\n");
        for (int k = 0; k < 2; k++) {
            double t = k;
            PointMetrics stored = k == 0 ? sgdStored : swaStored;
            Double recorded = k == 0 ? in.recordedSgdError() : in.recordedSwaError();
            Double onLine = points.stream().filter(p -> p.t() == t).findFirst().map(p -> p.metrics().testError()).orElse(null);
            check.add(k == 0 ? "sgd" : "swa", t, recorded, stored.testError(), onLine);
            md.append(String.format(Locale.ROOT, "| %s (t = %d) | %s | %.2f | %s |%n", k == 0 ? "SGD" : "SWA", k,
                    recorded == null ? "n/a" : String.format(Locale.ROOT, "%.2f", recorded), stored.testError(),
                    onLine == null ? "not on the grid" : String.format(Locale.ROOT, "%.2f", onLine)));
            if (recorded != null && Math.abs(recorded - stored.testError()) > 1e-6) {
                md.append(String.format(Locale.ROOT, "| **mismatch** | the saved %s model gives %.4f%%, the run recorded %.4f%% | | |%n",
                        k == 0 ? "SGD" : "SWA", stored.testError(), recorded));
            }
        }
        check.write(outDir.resolve("line-endpoints.csv"));
        md.append("\nThe SGD solution's own BN statistics are running averages from training; on the line they are "
                + "recomputed for every point (the paper's protocol), so at t = 0 the two can differ.\n\n");
        GeometryCharts.line(outDir.resolve("line-test-error.png"), "Test error along the SGD-SWA line", "test error (%)",
                points, PointMetrics::testError);
        md.append(String.format("![test error along the line](%sline-test-error.png)%n", link));
        if (s.trainMetrics()) {
            GeometryCharts.line(outDir.resolve("line-train-loss.png"), "Train loss (CE + L2) along the SGD-SWA line",
                    "train loss", points, PointMetrics::trainLoss);
            md.append(String.format("![train loss along the line](%sline-train-loss.png)%n", link));
        }
        md.append('\n');
    }

    private static void width(GeometrySettings s, PointEvaluator evaluator, INDArray wSgd, INDArray wSwa, Path outDir,
                              String link, Progress progress, StringBuilder md) throws IOException {
        Map<String, WidthScan.Result> results = new LinkedHashMap<>();
        results.put("SWA", WidthScan.run(evaluator, wSwa, s.kind(), s.directions(), s.radius(), s.radiusStep(), s.margin(),
                s.seed(), progress));
        results.put("SGD", WidthScan.run(evaluator, wSgd, s.kind(), s.directions(), s.radius(), s.radiusStep(), s.margin(),
                s.seed(), progress));
        CsvTable points = new CsvTable("centre", "direction", "distance", "train_loss", "train_error", "test_loss", "test_error");
        CsvTable widths = new CsvTable("centre", "direction", "width", "centre_test_error", "margin");
        md.append(String.format(Locale.ROOT, "**Width** along %d %s random directions (the same directions from both centres), "
                + "distance up to %s in steps of %s; the width is the first distance where the test error exceeds the "
                + "centre's by more than %s points ([width.csv](%swidth.csv), [width-summary.csv](%swidth-summary.csv)).%n%n",
                s.directions(), s.kind() == RandomDirections.Kind.UNIT_SPHERE ? "unit-sphere" : "filter-normalised",
                s.radius(), s.radiusStep(), s.margin(), link, link));
        md.append("| centre | centre test error (%) | mean width | min | max | directions not reaching the margin |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, WidthScan.Result> e : results.entrySet()) {
            WidthScan.Result r = e.getValue();
            for (WidthScan.Point p : r.points()) {
                PointMetrics m = p.metrics();
                points.add(e.getKey().toLowerCase(Locale.ROOT), p.direction() < 0 ? "centre" : String.valueOf(p.direction()),
                        p.distance(), m.trainLoss(), m.trainError(), m.testLoss(), m.testError());
            }
            List<Double> reached = new ArrayList<>();
            for (WidthScan.Width w : r.widths()) {
                widths.add(e.getKey().toLowerCase(Locale.ROOT), w.direction(), w.width(), r.centre().testError(), s.margin());
                if (!Double.isNaN(w.width())) {
                    reached.add(w.width());
                }
            }
            double mean = reached.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %s | %s | %d of %d |%n", e.getKey(), r.centre().testError(),
                    fmt(mean), fmt(reached.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)),
                    fmt(reached.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)),
                    r.widths().size() - reached.size(), r.widths().size()));
        }
        points.write(outDir.resolve("width.csv"));
        widths.write(outDir.resolve("width-summary.csv"));
        md.append("\nThe mean is over the directions that reached the margin; the others are wider than the radius.\n\n");
        GeometryCharts.width(outDir.resolve("width-test-error.png"), "Test error along random directions", "test error (%)",
                results, PointMetrics::testError);
        md.append(String.format("![test error along random directions](%swidth-test-error.png)%n", link));
        if (s.trainMetrics()) {
            GeometryCharts.width(outDir.resolve("width-train-loss.png"), "Train loss along random directions", "train loss",
                    results, PointMetrics::trainLoss);
            md.append(String.format("![train loss along random directions](%swidth-train-loss.png)%n", link));
        }
        md.append('\n');
    }

    private static void plane(List<Path> files, NetworkSignature signature, Path reference, GeometrySettings s,
                              PointEvaluator evaluator, Path outDir, String link, Progress progress, StringBuilder md)
            throws IOException {
        TrainableParameters layout = evaluator.layout();
        Plane plane = Plane.through(layout.read(loadMatching(files.get(0), signature, reference)),
                layout.read(loadMatching(files.get(1), signature, reference)),
                layout.read(loadMatching(files.get(2), signature, reference)));
        PlaneScan.Result r = PlaneScan.run(evaluator, plane, s.planeGrid(), s.planeMargin(), progress);
        CsvTable csv = new CsvTable("x", "y", "train_loss", "train_error", "test_loss", "test_error");
        double[][] error = new double[r.xs().length][r.ys().length];
        for (int i = 0; i < r.xs().length; i++) {
            for (int j = 0; j < r.ys().length; j++) {
                PointMetrics m = r.metrics()[i][j];
                csv.add(r.xs()[i], r.ys()[j], m.trainLoss(), m.trainError(), m.testLoss(), m.testError());
                error[i][j] = m.testError();
            }
        }
        csv.write(outDir.resolve("plane.csv"));
        CsvTable pts = new CsvTable("point", "file", "x", "y");
        ContourChart.Marker[] markers = new ContourChart.Marker[3];
        double[][] c = r.pointCoordinates();
        for (int k = 0; k < 3; k++) {
            String label = markerLabel(files.get(k), k);
            markers[k] = new ContourChart.Marker(label, c[k][0], c[k][1]);
            pts.add(label, files.get(k).toString(), c[k][0], c[k][1]);
        }
        pts.write(outDir.resolve("plane-points.csv"));
        ContourChart.write(outDir.resolve("plane-test-error.png"), "Test error (%) on the plane through three solutions",
                "test error (%)", r.xs(), r.ys(), error, 10, markers);
        md.append(String.format(Locale.ROOT, "**Plane** through %s, %s and %s (Gram-Schmidt basis u, v; %d x %d grid, "
                + "margin %s; [plane.csv](%splane.csv), [plane-points.csv](%splane-points.csv)).%n%n",
                markers[0].label(), markers[1].label(), markers[2].label(), s.planeGrid(), s.planeGrid(), s.planeMargin(),
                link, link));
        md.append(String.format("![test error on the plane](%splane-test-error.png)%n%n", link));
    }

    private static String markerLabel(Path file, int index) {
        String name = file.getFileName().toString().replaceFirst("\\.zip$", "");
        return name.length() <= 24 ? name : "w" + (index + 1);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
