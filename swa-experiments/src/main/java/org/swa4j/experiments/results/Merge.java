package org.swa4j.experiments.results;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.swa4j.experiments.runner.RunOptions;

/**
 * Combines results directories of the same preset (for example one per {@code --shard}) into one:
 * every finished or diverged record is copied into {@code target/runs/}; records still running are
 * left out (and listed), so the merged summary never claims work that was not done; a finished SWAG record
 * brings its model average's probabilities ({@code models/swag-seedK-probs.bin}), which MultiSWAG mixes (one
 * missing or damaged is refused). Nothing is
 * written unless every source agrees (the number of seeds may differ: the merged grid has the most):
 * directories of another preset configuration or results format,
 * records whose configuration differs from their directory's, and a (method, seed) cell held twice
 * with different results are refused, every one of them named in one message.
 *
 * <p>With {@code models}, every finished run also brings its files under {@code models/} (the networks,
 * FGE's snapshots, the networks SWA averaged, SWAG's state, each with its checksum), so that the analyses
 * that read them ({@code geometry}, {@code shift}, {@code ensemble-gap}, {@code swag}) run on the merged
 * directory: a hard link where source and target share a file system, else a copy. A file with a checksum
 * it does not match, or one whose name the target already holds with other bytes, is refused before
 * anything is written.
 */
public final class Merge {

    /** What a merge did: the records left out (unfinished), and the model files brought with {@code models}. */
    public record Outcome(List<String> leftOut, int modelFiles, long modelBytes, int linked) {
    }

    private Merge() {
    }

    /** Merges {@code sources} into {@code target} without model files; returns the records left out because they were unfinished. */
    public static List<String> merge(List<Path> sources, Path target, String command) throws IOException {
        return merge(sources, target, command, false).leftOut();
    }

    /** Merges {@code sources} into {@code target}, with every finished run's model files if {@code models}. */
    public static Outcome merge(List<Path> sources, Path target, String command, boolean models) throws IOException {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("merge needs at least one results directory");
        }
        List<String> problems = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        RunOptions first = null;
        Path firstDir = null;
        int seeds = 0;
        Map<String, RunRecord> cells = new LinkedHashMap<>();
        Map<String, Path> origin = new LinkedHashMap<>();
        List<Path> inputs = new ArrayList<>(sources);
        ResultsDirectory out = new ResultsDirectory(target);
        if (Files.isRegularFile(out.runOptions()) && inputs.stream().noneMatch(s -> same(s, target))) {
            inputs.add(0, target); // merging into a directory that already holds results: they must agree too
        }
        for (Path source : inputs) {
            ResultsDirectory in = new ResultsDirectory(source);
            if (!Files.isRegularFile(in.runOptions())) {
                throw new IllegalArgumentException(source + " is not a results directory: " + in.runOptions() + " is missing");
            }
            RunOptions options = Json.read(in.runOptions(), RunOptions.class);
            seeds = Math.max(seeds, options.preset().seeds());
            if (first == null) {
                first = options;
                firstDir = source;
            } else {
                if (ResultsFormat.of(options.resultsFormat()) != ResultsFormat.of(first.resultsFormat())) {
                    problems.add(source + " holds results format " + ResultsFormat.of(options.resultsFormat()) + ", " + firstDir
                            + " format " + ResultsFormat.of(first.resultsFormat()) + " (results of two swa4j versions)");
                }
                List<String> diff = JsonDiff.ofExperiments(first.preset(), options.preset());
                if (!diff.isEmpty()) {
                    problems.add(source + " ran preset '" + options.preset().name() + "' with another configuration than " + firstDir
                            + " ('" + first.preset().name() + "'): " + JsonDiff.experimentsSummary(first.preset(), options.preset(), 8));
                }
            }
            problems.addAll(in.configurationProblems(options));
            for (RunRecord r : in.records()) {
                if (!r.isFinished() && !r.isDiverged()) {
                    leftOut.add(source + ": " + r.method() + " seed " + r.seed() + " (" + r.status() + ")");
                    continue;
                }
                String cell = r.method() + " seed " + r.seed();
                RunRecord existing = cells.get(cell);
                if (existing != null && !(existing.status().equals(r.status()) && existing.results().equals(r.results()))) {
                    problems.add(cell + " is held twice with different results: " + origin.get(cell).resolve("runs") + " ("
                            + describe(existing) + ") and " + in.runs() + " (" + describe(r) + ")");
                } else if (existing == null) {
                    cells.put(cell, r);
                    origin.put(cell, source);
                }
            }
        }
        for (var cell : cells.entrySet()) {
            RunRecord r = cell.getValue();
            if (r.method().equals("swag") && r.isFinished()) {
                Path probabilities = new ResultsDirectory(origin.get(cell.getKey())).swagProbabilities(r.seed());
                if (!Files.isRegularFile(probabilities)) {
                    problems.add(probabilities + " is missing, the model averages of the finished " + cell.getKey()
                            + " that MultiSWAG mixes");
                } else if (Checksums.problem(probabilities) != null) {
                    problems.add(Checksums.problem(probabilities));
                }
            }
        }
        List<Path[]> modelFiles = new ArrayList<>();
        if (models) {
            for (var cell : cells.entrySet()) {
                RunRecord r = cell.getValue();
                if (r.isFinished()) {
                    planModelFiles(new ResultsDirectory(origin.get(cell.getKey())), out, r.method(), r.seed(), modelFiles, problems);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("nothing merged into " + target + ":\n  - " + String.join("\n  - ", problems));
        }
        Files.createDirectories(target);
        long bytes = 0;
        int linked = 0;
        try (ResultsLock lock = ResultsLock.acquire(target, command)) {
            for (var cell : cells.entrySet()) {
                RunRecord r = cell.getValue();
                Json.write(out.record(r.method(), r.seed()), r);
                if (r.method().equals("swag") && r.isFinished()) {
                    copySwagProbabilities(new ResultsDirectory(origin.get(cell.getKey())), out, r.seed());
                }
            }
            for (Path[] file : modelFiles) {
                bytes += Files.size(file[0]);
                linked += bring(file[0], file[1]) ? 1 : 0;
            }
            Json.write(out.runOptions(), new RunOptions(first.preset().withSeeds(seeds), first.dataDir(), first.allowDownload(),
                    first.threads(),
                    "merged", command, ResultsFormat.of(first.resultsFormat())));
        }
        return new Outcome(leftOut, modelFiles.size(), bytes, linked);
    }

    /**
     * The files under {@code from}'s {@code models/} that belong to the run ({@code method}, {@code seed}):
     * every file whose name, or whose top directory's name, is {@code METHOD-seedK} followed by {@code .}
     * or {@code -} (so {@code swa-seed1...} is neither {@code swa-seed10...} nor {@code swag-seed1...}),
     * added to {@code plan} as (source, target) pairs unless the target is the same file or already holds
     * the same bytes; damaged files and differing targets go to {@code problems}.
     */
    static void planModelFiles(ResultsDirectory from, ResultsDirectory to, String method, int seed, List<Path[]> plan,
            List<String> problems) throws IOException {
        if (!Files.isDirectory(from.models())) {
            return;
        }
        Pattern owned = Pattern.compile(Pattern.quote(method + "-seed" + seed) + "[.-].*");
        List<Path> files;
        try (Stream<Path> top = Files.list(from.models())) {
            List<Path> roots = top.filter(f -> owned.matcher(f.getFileName().toString()).matches()).sorted().toList();
            files = new ArrayList<>();
            for (Path root : roots) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            }
        }
        Path probabilities = from.swagProbabilities(seed);
        for (Path source : files) {
            Path target = to.models().resolve(from.models().relativize(source).toString());
            if (same(source, target) || source.equals(probabilities) || source.equals(Checksums.sidecar(probabilities))) {
                continue; // SWAG's probabilities come with every merge, checked and with a fresh checksum
            }
            if (!source.getFileName().toString().endsWith(Checksums.SUFFIX) && Checksums.hasChecksum(source)) {
                String problem = Checksums.problem(source);
                if (problem != null) {
                    problems.add(problem);
                    continue;
                }
            }
            if (Files.exists(target)) {
                if (Files.mismatch(source, target) != -1L) {
                    problems.add(target + " already exists with other bytes than " + source);
                }
                continue;
            }
            plan.add(new Path[] {source, target});
        }
    }

    /** A hard link to {@code source} at {@code target} (true), or a copy where the file system refuses one. */
    private static boolean bring(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.createLink(target, source);
            return true;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (FileSystemException | UnsupportedOperationException e) {
            AtomicFiles.write(target, o -> Files.copy(source, o));
            return false;
        }
    }

    /**
     * Copies seed {@code seed}'s SWAG probabilities ({@link ResultsDirectory#swagProbabilities}, checked before)
     * with their checksum, so that {@code swa swag} can form MultiSWAG in the merged directory; a file merged
     * into its own directory stays as it is.
     */
    private static void copySwagProbabilities(ResultsDirectory from, ResultsDirectory to, int seed) throws IOException {
        Path source = from.swagProbabilities(seed);
        Path target = to.swagProbabilities(seed);
        if (source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            return;
        }
        Checksums.requireIntactIfChecked(source);
        AtomicFiles.writeChecked(target, o -> Files.copy(source, o));
    }

    private static String describe(RunRecord r) {
        if (r.isDiverged()) {
            return "diverged at epoch " + r.divergedEpoch();
        }
        return r.results().stream().map(b -> String.format(java.util.Locale.ROOT, "%.2f%% at budget %s", b.accuracy(), b.budget()))
                .reduce((a, b) -> a + ", " + b).orElse("no results");
    }

    private static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
