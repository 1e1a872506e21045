package org.swa4j.experiments.shift;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.data.corrupt.CorruptedImages;
import org.swa4j.data.corrupt.CorruptedTestSets;
import org.swa4j.data.corrupt.Corruption;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.image.StratifiedSubset;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.runner.RunOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code swa corrupt --out DIR}: writes a test set and its corrupted copies as uncompressed IDX files with their
 * SHA-256 ({@link CorruptedTestSets}), the same images {@code swa shift} evaluates, so that another
 * implementation (the PyTorch peer) can evaluate byte-identical ones. The test set is a named data set's
 * ({@code --data}) or a results directory's ({@code --from}: its data set and test limit). Refuses a non-empty
 * output directory without {@code --force}, unknown corruptions, severities outside 1..5, a test limit outside
 * [0, test size], and a data set not held in memory.
 */
@Command(name = "corrupt", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a test set and its corrupted copies (Gaussian noise, Gaussian blur, rotation, contrast; severities "
                + "1-5; the images swa shift evaluates) as IDX files with SHA256SUMS.")
public final class CorruptCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;

    @Option(names = "--data", paramLabel = "NAME", description = "data set whose test split is corrupted (default: ${DEFAULT-VALUE})")
    String data = "fashion-mnist-embedded";

    @Option(names = "--from", paramLabel = "DIR", description = "a results directory: its data set and test limit instead of --data")
    Path from;

    @Option(names = "--corruptions", split = ",", paramLabel = "C,...",
            description = "any of gaussian_noise,gaussian_blur,rotation,contrast (default: all)")
    List<String> corruptions = Corruption.keys();

    @Option(names = "--severities", split = ",", paramLabel = "S,...", description = "severities 1..5 (default: all)")
    List<Integer> severities = List.of(1, 2, 3, 4, 5);

    @Option(names = "--test-limit", paramLabel = "N",
            description = "a stratified subset of N test images, as a preset's test_limit (default: with --from the run's, else all)")
    Integer testLimit;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "directory holding the data sets")
    Path dataDir;

    @Option(names = "--force", description = "write into a non-empty output directory, replacing the files of the same names")
    boolean force;

    private final PrintStream stdout;

    /** The command as a picocli subcommand, printing to standard output. */
    public CorruptCommand() {
        this(System.out);
    }

    CorruptCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    @Override
    public Integer call() throws Exception {
        List<Corruption> chosen = corruptions.stream().distinct().map(Corruption::parse).sorted().toList();
        List<Integer> levels = severities.stream().distinct().sorted().toList();
        levels.forEach(s -> {
            if (s < 1 || s > Corruption.SEVERITIES) {
                throw new IllegalArgumentException("--severities " + s + " must be in 1.." + Corruption.SEVERITIES
                        + " (the clean test set, severity 0, is always written)");
            }
        });
        if (Files.isDirectory(out) && !force) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + out + " is not empty; nothing was written. Pass --force to write "
                            + "into it (files of the same names are replaced) or choose an empty directory");
                }
            }
        } else if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
        }
        String name = data;
        Integer limit = testLimit;
        Path dataLocation = dataDir;
        if (from != null) {
            ResultsDirectory results = new ResultsDirectory(from);
            if (!Files.isRegularFile(results.runOptions())) {
                throw new IllegalArgumentException("--from " + from + " is not a results directory: " + results.runOptions()
                        + " is missing");
            }
            RunOptions options = Json.read(results.runOptions(), RunOptions.class);
            Preset p = options.preset();
            name = p.dataset();
            limit = limit != null ? limit : p.testLimit() == null ? 0 : p.testLimit();
            if (dataLocation == null && options.dataDir() != null) {
                dataLocation = Path.of(options.dataDir());
            }
        }
        int n = limit == null ? 0 : limit;
        ImageDataset set = Datasets.open(name, DataOptions.builder().dataDir(dataLocation).allowDownload(false).workers(1).build());
        if (!(set instanceof InMemoryImageDataset full)) {
            throw new IllegalArgumentException("swa corrupt corrupts test sets held in memory (Fashion-MNIST, MNIST, CIFAR); data set '"
                    + name + "' is read from image files");
        }
        LabelledImages test = full.testImages();
        if (n < 0 || n > test.size()) {
            throw new IllegalArgumentException("--test-limit " + n + " must be in [0, " + test.size() + "] (0 = the whole test set)");
        }
        String description = name + (n == 0 || n == test.size() ? ", the whole test set"
                : ", the stratified subset of " + n + " test images (the first of each class in file order)");
        // a subset's images carry the noise of their positions in the whole set, as swa shift evaluates them
        int[] positions = n == 0 || n == test.size() ? java.util.stream.IntStream.range(0, test.size()).toArray()
                : StratifiedSubset.select(test.labels(), test.numClasses(), n);
        List<CorruptedTestSets.Written> files = CorruptedTestSets.write(test, positions, chosen, levels, CorruptedImages.SEED,
                description, out);
        files.forEach(f -> stdout.println(f.sha256() + "  " + f.path()));
        stdout.printf("wrote %d files into %s with %s (check: cd %s && sha256sum -c %s) and CORRUPTIONS.md%n", files.size(), out,
                CorruptedTestSets.SUMS, out, CorruptedTestSets.SUMS);
        return 0;
    }
}
