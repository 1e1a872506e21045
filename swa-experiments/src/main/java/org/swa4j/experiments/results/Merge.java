package org.swa4j.experiments.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.swa4j.experiments.runner.RunOptions;

/**
 * Combines results directories of the same preset (for example one per {@code --shard}) into one:
 * every finished or diverged record is copied into {@code target/runs/}; records still running are
 * left out (and listed), so the merged summary never claims work that was not done. Rejects
 * directories of different presets and two different finished records of the same method and seed.
 */
public final class Merge {

    private Merge() {
    }

    /** Merges {@code sources} into {@code target}; returns the records left out because they were unfinished. */
    public static List<String> merge(List<Path> sources, Path target, String command) throws IOException {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("merge needs at least one results directory");
        }
        ResultsDirectory out = new ResultsDirectory(target);
        RunOptions first = null;
        List<String> leftOut = new ArrayList<>();
        for (Path source : sources) {
            ResultsDirectory in = new ResultsDirectory(source);
            if (!Files.isRegularFile(in.runOptions())) {
                throw new IllegalArgumentException(source + " is not a results directory: " + in.runOptions() + " is missing");
            }
            RunOptions options = Json.read(in.runOptions(), RunOptions.class);
            if (first == null) {
                first = options;
            } else if (!sameGrid(first, options)) {
                throw new IllegalArgumentException(source + " ran preset '" + options.preset().name()
                        + "' with a different configuration than " + sources.get(0) + " ('" + first.preset().name()
                        + "'); only directories of the same preset can be merged");
            }
            for (RunRecord r : in.records()) {
                if (!r.isFinished() && !r.isDiverged()) {
                    leftOut.add(source + ": " + r.method() + " seed " + r.seed() + " (" + r.status() + ")");
                    continue;
                }
                Path dest = out.record(r.method(), r.seed());
                if (Files.isRegularFile(dest) && !dest.toAbsolutePath().normalize().equals(in.record(r.method(), r.seed()).toAbsolutePath().normalize())) {
                    RunRecord existing = Json.read(dest, RunRecord.class);
                    if (existing.isFinished() && !existing.results().equals(r.results())) {
                        throw new IllegalArgumentException("two different finished results for " + r.method() + " seed " + r.seed()
                                + ": " + dest + " and " + in.record(r.method(), r.seed()));
                    }
                }
                Json.write(dest, r);
            }
        }
        Json.write(out.runOptions(), new RunOptions(first.preset(), first.dataDir(), first.allowDownload(), first.threads(),
                "merged", command));
        return leftOut;
    }

    private static boolean sameGrid(RunOptions a, RunOptions b) {
        return Json.mapper().valueToTree(a.preset()).equals(Json.mapper().valueToTree(b.preset()));
    }
}
