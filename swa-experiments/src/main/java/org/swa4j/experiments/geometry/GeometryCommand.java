package org.swa4j.experiments.geometry;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.runner.JobContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code swa geometry DIR} (a finished results directory, {@link FinishedRun}) or
 * {@code swa geometry --sgd FILE --swa FILE --data NAME --out DIR} (any two saved models): the
 * paper's geometric evidence, {@link GeometryAnalysis} per seed, written under
 * {@code DIR/geometry/seedK/} with the Markdown section {@code DIR/geometry.md}.
 *
 * <p>Prints the number of points (each one BN update and one evaluation) and the ETA before the
 * work starts; ND4J's native operations use every core. Refuses unknown analyses, bad grids,
 * missing models and models that do not match, before evaluating anything that depends on them.
 */
@Command(name = "geometry", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Line, width, plane and distances around the SGD and SWA solutions (paper Figures 1, 4, 5).")
public final class GeometryCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "a finished results directory (models/sgd-seedK.zip, models/swa-seedK.zip, runs/)")
    Path dir;

    @Option(names = "--seeds", split = ",", description = "seeds of DIR to analyse (default: all finished)")
    List<Integer> seeds;

    @Option(names = "--sgd", paramLabel = "FILE", description = "without DIR: the SGD model file")
    Path sgd;

    @Option(names = "--swa", paramLabel = "FILE", description = "without DIR: the SWA model file")
    Path swa;

    @Option(names = "--snapshots", arity = "1..*", paramLabel = "FILE", description = "without DIR: the model files averaged into SWA")
    List<Path> snapshots = new ArrayList<>();

    @Option(names = "--data", paramLabel = "NAME", description = "without DIR: the data set (with DIR: the run's data set, normalisation, limits and BN stream; "
            + "--train-limit/--test-limit may narrow the limits)")
    String dataName;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: DIR)")
    Path out;

    @Option(names = "--analyses", split = ",", description = "any of line,width,plane,distances (default: all)")
    List<String> analyses = List.of("distances", "line", "width", "plane");

    @Option(names = "--line-range", split = ",", paramLabel = "FROM,TO", description = "t range of the line (default: -1,2; write a negative start as --line-range=-1,2)")
    double[] lineRange = {-1, 2};

    @Option(names = "--line-step", description = "step of t (default: ${DEFAULT-VALUE})")
    double lineStep = 0.1;

    @Option(names = "--directions", description = "random directions per centre (default: ${DEFAULT-VALUE})")
    int directions = 10;

    @Option(names = "--radius", description = "largest distance along a direction (default: ${DEFAULT-VALUE})")
    double radius = 50;

    @Option(names = "--radius-step", description = "distance step (default: ${DEFAULT-VALUE})")
    double radiusStep = 5;

    @Option(names = "--margin", description = "test-error rise in percentage points that ends the width (default: ${DEFAULT-VALUE})")
    double margin = 1;

    @Option(names = "--direction-kind", description = "unit (uniform on the unit sphere) or filter (Li et al. 2018) (default: ${DEFAULT-VALUE})")
    String directionKind = "unit";

    @Option(names = "--direction-seed", description = "seed of the random directions (default: ${DEFAULT-VALUE})")
    long directionSeed = 1;

    @Option(names = "--plane", arity = "3", paramLabel = "FILE", description = "three model files spanning the plane (default: first snapshot, SGD, SWA)")
    List<Path> plane = new ArrayList<>();

    @Option(names = "--plane-grid", description = "grid points per plane axis (default: ${DEFAULT-VALUE})")
    int planeGrid = 21;

    @Option(names = "--plane-margin", description = "plane margin around the three points, fraction (default: ${DEFAULT-VALUE})")
    double planeMargin = 0.2;

    @Option(names = "--no-train-metrics", description = "skip train loss/error (saves one pass over the training data per point)")
    boolean noTrainMetrics;

    @Mixin
    DataArguments data = new DataArguments();

    private final BatchNormRecalibration batchNorm;
    private final PrintStream stdout;

    /** The command as a picocli subcommand: swa-core's BatchNormUpdate, printing to standard output. */
    public GeometryCommand() {
        this(CoreBatchNorm.recalibration(), System.out);
    }

    GeometryCommand(BatchNormRecalibration batchNorm, PrintStream stdout) {
        this.batchNorm = batchNorm;
        this.stdout = stdout;
    }

    /** {@code swa geometry ARGS} with this command's collaborators; returns the exit code ({@link org.swa4j.experiments.Main}). */
    static int run(String[] args, BatchNormRecalibration batchNorm, PrintStream stdout) {
        String[] command = new String[args.length + 1];
        command[0] = "geometry";
        System.arraycopy(args, 0, command, 1, args.length);
        return Main.executeWith(new GeometryCommand(batchNorm, stdout), stdout, command);
    }

    @Override
    public Integer call() throws Exception {
        if (lineRange.length != 2) {
            throw new IllegalArgumentException("--line-range takes FROM,TO, got " + lineRange.length + " values");
        }
        GeometrySettings settings = new GeometrySettings(new LinkedHashSet<>(analyses), lineRange[0], lineRange[1], lineStep,
                directions, radius, radiusStep, margin, RandomDirections.Kind.parse(directionKind), directionSeed,
                planeGrid, planeMargin, !noTrainMetrics);
        List<GeometryAnalysis.Inputs> runs = new ArrayList<>();
        List<EvaluationData> evaluations = new ArrayList<>();
        Path root;
        ImageDataset set;
        if (dir != null) {
            if (sgd != null || swa != null || !snapshots.isEmpty() || dataName != null) {
                throw new IllegalArgumentException("with DIR the models and data set are the run's: --sgd, --swa, --snapshots "
                        + "and --data are for two model files without a results directory");
            }
            FinishedRun run = new FinishedRun(new ResultsDirectory(dir));
            List<Integer> available = run.seeds();
            List<Integer> chosen = seeds == null ? available : seeds;
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException(dir + " has no seed with finished SGD and SWA runs");
            }
            Preset preset = run.preset(chosen.get(0));
            set = data.openRun(preset);
            for (int seed : chosen) {
                if (!available.contains(seed)) {
                    throw new IllegalArgumentException("seed " + seed + " has no finished SGD and SWA runs in " + dir
                            + "; finished seeds: " + available);
                }
                GeometryAnalysis.Inputs in = run.inputs(seed, plane);
                // the run's recorded errors are on its own test examples, not on a narrower subset
                runs.add(data.testNarrowed() ? new GeometryAnalysis.Inputs(in.label(), in.sgd(), in.swa(), in.snapshots(),
                        in.planePoints(), null, null) : in);
                evaluations.add(new EvaluationData(described(preset.dataset(), set, data.limited()),
                        set.train(preset.batchSize(), JobContext.batchNormSeed(seed), preset.augment()), preset.swaEpochs() - 1,
                        set.train(data.batchSize(), data.seed(), false), set.test(data.batchSize())));
            }
            root = out != null ? out : dir;
        } else {
            if (sgd == null || swa == null || dataName == null || out == null) {
                throw new IllegalArgumentException("without DIR, --sgd, --swa, --data and --out are all required");
            }
            runs.add(new GeometryAnalysis.Inputs("models", sgd, swa, snapshots, plane, null, null));
            set = data.open(dataName);
            evaluations.add(new EvaluationData(described(dataName, set, false), set.train(data.batchSize(), data.seed(), data.augment()), 0,
                    set.train(data.batchSize(), data.seed(), false), set.test(data.batchSize())));
            root = out;
        }
        stdout.printf(Locale.ROOT, "geometry: %d run(s), up to %d points each (%d train / %d test examples, ND4J threads: %d)%n",
                runs.size(), settings.pointCount(true), set.trainSize(), set.testSize(),
                Nd4j.getEnvironment().maxMasterThreads());
        ResultsDirectory written = new ResultsDirectory(root);
        StringBuilder md = new StringBuilder("## Geometry: the SGD and SWA solutions (paper Figures 1, 4, 5)\n\n");
        for (int i = 0; i < runs.size(); i++) {
            GeometryAnalysis.Inputs in = runs.get(i);
            Path outDir = written.geometry().resolve(in.label());
            md.append(GeometryAnalysis.run(in, settings, evaluations.get(i), batchNorm, outDir, "geometry/" + in.label() + "/", stdout));
            AtomicFiles.writeString(written.geometrySection(), md.toString());
        }
        stdout.printf("wrote %s and %s%n", written.geometry(), written.geometrySection());
        if (dir != null && root.equals(dir)) {
            stdout.printf("swa report %s adds geometry.md to report.md and report.html%n", dir);
        }
        return 0;
    }

    /** The data's name in the report: the set and the examples in use. */
    private static String described(String name, ImageDataset set, boolean narrowed) {
        return String.format(Locale.ROOT, "%s (%d train / %d test examples%s)", name, set.trainSize(), set.testSize(),
                narrowed ? ", a stratified subset of the run's, normalised as the run" : "");
    }
}
