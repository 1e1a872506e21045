package org.swa4j.experiments.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Layout of a results directory:
 * <pre>
 *   run.json                 the options it was started with (RunOptions)
 *   runs/METHOD-seedK.json   one RunRecord per method and seed, rewritten atomically every epoch
 *   checkpoints/JOB-seedK/   the latest checkpoint of a job (deleted when it finishes, except FGE's start)
 *   summary.csv              one row per method and budget (Summary)
 *   report.md, report.html, plots/*.png
 *   swa.log                  the progress log
 *   models/*.zip             the networks evaluated last, each with its SHA-256 (FILE.sha256)
 *   .lock                    held by the one process writing the directory (ResultsLock)
 * </pre>
 */
public record ResultsDirectory(Path root) {

    public Path runOptions() {
        return root.resolve("run.json");
    }

    public Path runs() {
        return root.resolve("runs");
    }

    public Path record(String method, int seed) {
        return runs().resolve(RunRecord.fileName(method, seed));
    }

    public Path checkpoint(String job, int seed) {
        return root.resolve("checkpoints").resolve(job + "-seed" + seed);
    }

    public Path summary() {
        return root.resolve("summary.csv");
    }

    public Path log() {
        return root.resolve("swa.log");
    }

    /**
     * Every run record whose configuration is not the one in {@code options} (the directory's
     * {@code run.json}), each named with the fields that differ: such a record belongs to another
     * experiment and must not be summarised, resumed or merged with this one. The number of seeds
     * may differ ({@link JsonDiff#ofExperiments}).
     */
    public List<String> configurationProblems(org.swa4j.experiments.runner.RunOptions options) throws IOException {
        List<String> problems = new ArrayList<>();
        for (RunRecord r : records()) {
            List<String> diff = JsonDiff.ofExperiments(options.preset(), r.preset());
            if (!diff.isEmpty()) {
                problems.add(record(r.method(), r.seed()) + " was run with another configuration than " + runOptions() + ": "
                        + JsonDiff.experimentsSummary(options.preset(), r.preset(), 8));
            }
        }
        return problems;
    }

    /** All run records, sorted by method order then seed. */
    public List<RunRecord> records() throws IOException {
        List<RunRecord> out = new ArrayList<>();
        if (!Files.isDirectory(runs())) {
            return out;
        }
        try (Stream<Path> files = Files.list(runs())) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                out.add(Json.read(f, RunRecord.class));
            }
        }
        out.sort(Comparator.comparingInt((RunRecord r) -> Summary.methodOrder(r.method())).thenComparingInt(RunRecord::seed));
        return out;
    }
}
