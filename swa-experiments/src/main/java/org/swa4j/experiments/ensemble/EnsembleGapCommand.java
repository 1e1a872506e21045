package org.swa4j.experiments.ensemble;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.BatchNormUpdate;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.cli.CommandLines;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.runner.Checkpoints;
import org.swa4j.experiments.runner.ExperimentRunner;
import org.swa4j.experiments.runner.FgeBranch;
import org.swa4j.experiments.runner.JobContext;
import org.swa4j.experiments.runner.Schedules;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.RunSeeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swa ensemble-gap DIR}: the paper's Section 3.5 claim, measured on a finished results
 * directory. For each seed it measures the run's own FGE snapshots, then runs FGE branches from the
 * final SGD network with several highest learning rates lr1 (lr2 keeping the preset's ratio, the
 * preset's cycle, the same data passes for every branch), so that Δ = max ‖w_i − w_SWA‖ varies; for
 * every set it measures how far the averaged weights' predictions are from the ensemble's
 * ({@link EnsembleGap}). The log-log slope of that gap against Δ is the order of the difference (the
 * paper's argument: 2), beside the slope of the snapshots' own spread (first order: 1). Writes
 * {@code DIR/ensemble-gap/gap.csv}, {@code gap.png} and the {@code DIR/ensemble-gap.md} section that
 * {@code swa report DIR} includes.
 */
@Command(name = "ensemble-gap", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure the paper's Section 3.5 claim on a finished results directory: the difference between "
                + "averaging FGE snapshots' weights and averaging their predictions, against Delta = max ||w_i - w_SWA||, "
                + "for the run's FGE snapshots and for FGE branches at several learning rates.")
public final class EnsembleGapCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "a finished results directory with models/sgd-seedK.zip")
    Path dir;

    @Option(names = "--seeds", split = ",", description = "seeds to measure (default: all with a finished SGD run)")
    List<Integer> seeds;

    @Option(names = "--lr-scales", split = ",", paramLabel = "S,...",
            description = "branches' lr1 as multiples of the preset's FGE lr1; lr2 keeps the preset's ratio (default: ${DEFAULT-VALUE})")
    List<Double> scales = new ArrayList<>(List.of(0.125, 0.25, 0.5, 1.0, 2.0));

    @Option(names = "--snapshots", description = "snapshots per branch (default: as many as the run's FGE took, at least 2)")
    Integer snapshots;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "directory holding the data sets (default: as the run)")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Provenance provenance = Provenance.capture(Nd4j.getEnvironment().maxMasterThreads(), ExperimentRunner.backend(),
                "as saved in the models");
        ResultsDirectory results = new ResultsDirectory(dir);
        List<Integer> chosen = seeds == null ? finishedSgdSeeds(results) : seeds;
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(dir + " has no finished SGD run (runs/sgd-seedK.json)");
        }
        for (double s : scales) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("--lr-scales must be > 0, got " + s);
            }
        }
        Preset p = Json.read(results.record("sgd", chosen.get(0)), RunRecord.class).preset();
        if (p.fge() == null) {
            throw new IllegalArgumentException("preset '" + p.name() + "' has no fge section: no FGE cycle to branch with");
        }
        ImageDataset data = Datasets.open(p.dataset(), DataOptions.builder().dataDir(dataDir).allowDownload(false)
                .trainLimit(p.trainLimit() == null ? 0 : p.trainLimit()).testLimit(p.testLimit() == null ? 0 : p.testLimit())
                .normalisation(p.normalisationChoice()).workers(1).build());
        int cycle = Schedules.fgeSchedule(p, Networks.iterationsPerEpoch(p, data)).getCycleIterations();
        double ratio = p.fge().lr2() / p.fge().lr1();
        List<String[]> rows = new ArrayList<>();
        List<GapPoint> all = new ArrayList<>();
        for (int seed : chosen) {
            Path sgd = results.model("sgd", seed);
            if (!Files.isRegularFile(sgd)) {
                throw new IllegalArgumentException(sgd + " is missing: the run did not keep its final SGD model");
            }
            EpochIterator bn = data.train(p.batchSize(), RunSeeds.batchNormData(seed), p.augment());
            java.util.function.Consumer<ComputationGraph> recalibrate = net -> {
                bn.setEpoch(p.swaEpochs());
                BatchNormUpdate.run(net, bn);
            };
            List<ComputationGraph> own = runSnapshots(results, seed);
            int n = snapshots != null ? snapshots : Math.max(2, own.size());
            List<GapPoint> points = new ArrayList<>();
            if (own.size() >= 2) {
                points.add(EnsembleGap.measure("run's FGE", p.fge().lr1(), own, recalibrate, data.test(JobContext.EVAL_BATCH)));
                print(seed, points.get(points.size() - 1));
            }
            for (double s : scales) {
                double lr1 = s * p.fge().lr1();
                List<ComputationGraph> branch = FgeBranch.run(Checkpoints.loadNet(sgd), data.train(p.batchSize(), RunSeeds.trainingData(seed), p.augment()),
                        seed, p.swaEpochs(), FgeSchedule.ofIterations(lr1, lr1 * ratio, cycle, 0), n);
                points.add(EnsembleGap.measure(String.format(Locale.ROOT, "branch lr1 %.4g", lr1), lr1, branch, recalibrate,
                        data.test(JobContext.EVAL_BATCH)));
                print(seed, points.get(points.size() - 1));
            }
            for (GapPoint g : points) {
                rows.add(new String[] {Integer.toString(seed), g.label(), Integer.toString(g.snapshots()), fmt(g.lr1()), fmt(g.delta()),
                    fmt(g.gap()), fmt(g.spread()), fmt(g.disagreement()), fmt(g.ensembleAccuracy()), fmt(g.swaAccuracy())});
            }
            all.addAll(points);
        }
        Path out = results.ensembleGap();
        StringBuilder csv = new StringBuilder("seed,snapshots_from,snapshots,lr1,delta,gap_tv,spread_tv,disagreement_pct,"
                + "ensemble_acc,swa_acc\n");
        rows.forEach(r -> csv.append(String.join(",", r)).append('\n'));
        AtomicFiles.writeString(out.resolve("gap.csv"), csv.toString());
        double[] delta = all.stream().mapToDouble(GapPoint::delta).toArray();
        double gapSlope = EnsembleGap.logLogSlope(delta, all.stream().mapToDouble(GapPoint::gap).toArray());
        double spreadSlope = EnsembleGap.logLogSlope(delta, all.stream().mapToDouble(GapPoint::spread).toArray());
        chart(out.resolve("gap.png"), all);
        AtomicFiles.writeString(results.ensembleGapSection(), section(p, chosen, cycle, ratio, all, rows, gapSlope, spreadSlope,
                CommandLines.invoked(spec, "ensemble-gap"), provenance.finished()));
        System.out.printf(Locale.ROOT, "log-log slope against Delta: gap %.2f (paper's argument: 2), spread %.2f (1)%n", gapSlope,
                spreadSlope);
        System.out.printf("wrote %s and %s; swa report %s includes it%n", out, results.ensembleGapSection(), dir);
        return 0;
    }

    private static List<ComputationGraph> runSnapshots(ResultsDirectory results, int seed) throws java.io.IOException {
        List<ComputationGraph> out = new ArrayList<>();
        for (Path f : results.fgeSnapshots(seed)) {
            out.add(Checkpoints.loadNet(f));
        }
        return out;
    }

    private static List<Integer> finishedSgdSeeds(ResultsDirectory results) throws java.io.IOException {
        return results.records().stream().filter(r -> r.method().equals("sgd") && r.isFinished()).map(RunRecord::seed).sorted()
                .toList();
    }

    private static void print(int seed, GapPoint g) {
        System.out.printf(Locale.ROOT, "seed %d, %s: %d snapshots, Delta %.4f, gap %.5f, spread %.5f, disagreement %.2f%%, "
                + "ensemble %.2f%%, average %.2f%%%n", seed, g.label(), g.snapshots(), g.delta(), g.gap(), g.spread(), g.disagreement(),
                g.ensembleAccuracy(), g.swaAccuracy());
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    static String section(Preset p, List<Integer> seeds, int cycle, double ratio, List<GapPoint> all, List<String[]> rows,
            double gapSlope, double spreadSlope, String command, Provenance provenance) {
        StringBuilder md = new StringBuilder("## Averaging weights vs averaging predictions (paper Section 3.5)\n\n");
        md.append(String.format(Locale.ROOT, "For snapshots w_i and their average w_SWA, the paper argues that the ensemble's "
                + "prediction (1/n) Σ f(w_i) and f(w_SWA) differ by O(Δ²), Δ = max ‖w_i − w_SWA‖, while single snapshots differ "
                + "at first order. Measured on seeds %s: over %d snapshot sets, the gap (mean total variation between the "
                + "ensemble's and the average's class probabilities on the test set) grows as Δ^%.2f, the snapshots' spread "
                + "around the ensemble as Δ^%.2f (least-squares slopes in log-log).%n%n", seeds, all.size(), gapSlope, spreadSlope));
        md.append(String.format(Locale.ROOT, "Snapshot sets: the run's own FGE snapshots, and FGE branches from the final SGD "
                + "network with lr1 = scale × %.4g, lr2 = %.3g lr1, cycle %d iterations, the same data passes for every branch. "
                + "The average's BatchNorm statistics are recomputed; each snapshot predicts with its own, as FGE does.%n%n",
                p.fge().lr1(), ratio, cycle));
        md.append("- Command: `").append(command).append("`\n");
        md.append("- Code: ").append(provenance.code()).append('\n');
        md.append("- Machine: ").append(provenance.machine()).append("; ").append(provenance.startTime()).append(" to ")
                .append(provenance.endTime()).append("\n\n");
        md.append("| seed | snapshots from | n | Δ | gap (TV) | spread (TV) | class disagreement % | ensemble acc % | average acc % |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String[] r : rows) {
            md.append("| ").append(r[0]).append(" | ").append(r[1]).append(" | ").append(r[2]).append(" | ").append(r[4])
                    .append(" | ").append(r[5]).append(" | ").append(r[6]).append(" | ").append(r[7]).append(" | ").append(r[8])
                    .append(" | ").append(r[9]).append(" |\n");
        }
        md.append("\n![gap against Delta](ensemble-gap/gap.png)\n\n");
        return md.toString();
    }

    /**
     * Gap and spread against Δ on log-log axes, with the second-order prediction (gap ∝ Δ², Section 3.5) drawn
     * through the smallest Δ's gap. The axes are linear in log10 of the values and labelled with the values
     * themselves: XChart's own logarithmic axes label only powers of ten, and these points span less than a decade.
     */
    static void chart(Path file, List<GapPoint> points) throws java.io.IOException {
        XYChart c = new XYChartBuilder().width(720).height(420).title("Averaging weights vs averaging predictions")
                .xAxisTitle("Delta = max ||w_i - w_SWA|| (log scale)").yAxisTitle("mean total variation on the test set (log scale)").build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(7);
        c.getStyler().setxAxisTickLabelsFormattingFunction(EnsembleGapCommand::unLog);
        c.getStyler().setyAxisTickLabelsFormattingFunction(EnsembleGapCommand::unLog);
        List<GapPoint> positive = points.stream().filter(g -> g.delta() > 0 && g.gap() > 0 && g.spread() > 0)
                .sorted(java.util.Comparator.comparingDouble(GapPoint::delta)).toList();
        if (positive.isEmpty()) {
            return;
        }
        double[] x = positive.stream().mapToDouble(g -> Math.log10(g.delta())).toArray();
        XYSeries gap = c.addSeries("ensemble vs average (gap)", x, positive.stream().mapToDouble(g -> Math.log10(g.gap())).toArray());
        gap.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        gap.setMarker(SeriesMarkers.CIRCLE);
        XYSeries spread = c.addSeries("snapshot vs ensemble (spread)", x, positive.stream().mapToDouble(g -> Math.log10(g.spread())).toArray());
        spread.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        spread.setMarker(SeriesMarkers.DIAMOND);
        if (x.length > 1 && x[x.length - 1] > x[0]) {
            double y0 = Math.log10(positive.get(0).gap());
            XYSeries square = c.addSeries("gap proportional to Delta^2", new double[] {x[0], x[x.length - 1]},
                    new double[] {y0, y0 + 2 * (x[x.length - 1] - x[0])});
            square.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            square.setMarker(SeriesMarkers.NONE);
            square.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                    10f, new float[] {6f, 4f}, 0f));
            square.setLineColor(Color.GRAY);
        }
        byte[] png = BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, o -> o.write(png));
    }

    /** A tick label on a log10 axis: the value itself, to three significant digits. */
    private static String unLog(Double log10) {
        return String.format(Locale.ROOT, "%.3g", Math.pow(10, log10));
    }
}
