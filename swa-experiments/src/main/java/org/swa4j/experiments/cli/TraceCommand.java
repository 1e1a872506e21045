package org.swa4j.experiments.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.parity.StepTrace;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.PresetProblems;
import org.swa4j.experiments.preset.PresetValidator;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsFormat;
import org.swa4j.experiments.runner.ExperimentRunner;
import org.swa4j.experiments.runner.JobContext;
import org.swa4j.experiments.runner.RunOptions;
import org.swa4j.experiments.train.Networks;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code swa trace --preset P --out DIR}: the first steps of a seed's SGD run, with the weights before
 * and after, for a step-by-step comparison with another framework from the same initial weights
 * ({@link StepTrace}; {@code benchmarks/pytorch/parity.py --trace DIR} is PyTorch's side).
 */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Take the first SGD steps of a preset's seed and write the weights before the first step, after it and "
                + "after the last, with every step's loss, into --out; `benchmarks/pytorch/parity.py --trace DIR` repeats the steps "
                + "in PyTorch from the same weights and compares them.")
public final class TraceCommand implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = "quick", paramLabel = "NAME|FILE",
            description = "built-in preset (see `swa presets`) or a preset JSON file (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--seed", paramLabel = "K", description = "the seed whose run is traced (default: ${DEFAULT-VALUE})")
    int seed = 1;

    @Option(names = "--steps", paramLabel = "N", description = "SGD steps, at most one pass (default: ${DEFAULT-VALUE})")
    int steps = 20;

    @Option(names = "--precision", paramLabel = "float|double", description = "arithmetic of the steps: float (the "
            + "networks' float32) or double (float64, which separates the rules from float32 rounding; default: ${DEFAULT-VALUE})")
    String precision = "float";

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the trace is written")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory (default: $SWA4J_DATA, else ~/.swa4j/data)")
    Path data;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for ND4J (default: all cores)")
    Integer threads;

    @Option(names = "--layers", paramLabel = "NAME", description = "layer implementation (stock, native, fused; default: the preset's)")
    String layers;

    @Override
    public Integer call() throws Exception {
        Preset p = Presets.load(preset);
        if (layers != null) {
            p = p.withLayers(layers);
        }
        List<String> problems = new ArrayList<>(PresetValidator.staticProblems(p));
        if (seed < 1) {
            problems.add("--seed " + seed + " must be >= 1");
        }
        if (steps < 1) {
            problems.add("--steps " + steps + " must be >= 1");
        }
        StepTrace.Precision arithmetic = null;
        if (precision.equals("float") || precision.equals("double")) {
            arithmetic = StepTrace.Precision.valueOf(precision.toUpperCase(Locale.ROOT));
        } else {
            problems.add("--precision must be float or double, got '" + precision + "'");
        }
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            problems.add("--threads " + t + " must be >= 1");
        }
        if (!problems.isEmpty()) {
            throw new PresetProblems(p.name() == null ? "?" : p.name(), problems);
        }
        Nd4j.getEnvironment().setMaxThreads(t);
        Nd4j.factory().blas().setMaxThreads(t);
        RunOptions options = new RunOptions(p, data == null ? null : data.toString(), false, t, "0/1", "swa trace", ResultsFormat.CURRENT);
        ImageDataset d = JobContext.openData(options, null);
        StepTrace.Trace trace = StepTrace.write(p, d, seed, steps, arithmetic, out,
                Provenance.capture(t, ExperimentRunner.backend(), Networks.layerFactoryName(p)));
        List<Double> l = trace.losses();
        System.out.printf(Locale.ROOT, "%s seed %d: %d %s steps at lr %.4g, loss %.6f -> %.6f; %d tensors, %d floats; written to %s%n",
                p.name(), seed, steps, trace.precision(), trace.learningRates().get(0), l.get(0), l.get(l.size() - 1), trace.tensors().size(), trace.floats(),
                out);
        return 0;
    }
}
