package org.swa4j.experiments.shift;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.Json;

/**
 * What a {@code swa shift} run has evaluated so far, kept in {@code DIR/.shift-progress/} as each method's seed
 * finishes, so that a run stopped part-way (killed, or out of its time) resumes where it stopped: with 30 SWAG
 * draws a seed, each with a BatchNorm update over the training set, one seed of the CPU reproduction takes about
 * 20 minutes. Layout:
 * <pre>
 *   settings.json        the evaluation sets and the SWAG sampling every piece was computed with
 *   METHOD-seedK.json    one piece: its rows, the SHA-256 of the model files it read, its cost, code and times
 *   swag-seedK.bin       seed K's SWAG model average on every set, for the MultiSWAG results that include K
 *                        (ND4J arrays in set order after the SHA-256 of the SWAG state they came from; .sha256 beside)
 * </pre>
 * A piece is reused only while the model files it read keep the SHA-256 it recorded, and a SWAG average only while
 * its SWAG state does; otherwise they are evaluated again and replaced. Progress of other settings is refused,
 * naming both, unless the caller discards it. The directory is removed once {@code shift/} is written complete.
 */
final class ShiftProgress {

    /** The directory's name inside a results directory. */
    static final String DIRECTORY = ".shift-progress";

    /** What every piece of one shift run shares: the sets evaluated and how SWAG draws. */
    record Settings(String dataset, int testImages, String testSubset, List<String> corruptions, List<Integer> severities,
            int swagSamples, double swagScale) {
    }

    /**
     * One method's evaluation of one seed on every set.
     *
     * @param inputs    the model files read, relative to the results directory, with their SHA-256
     * @param rows      one per set, in set order
     * @param seconds   wall time of the evaluation
     * @param passes    inference passes over a set
     * @param bnUpdates BatchNorm updates (SWAG draws)
     * @param commit    the swa4j commit that evaluated it
     * @param startTime ISO-8601 start
     * @param endTime   ISO-8601 end
     */
    record Piece(String method, int seed, Map<String, String> inputs, List<ShiftRow> rows, double seconds, long passes,
            long bnUpdates, String commit, String startTime, String endTime) {
    }

    private static final String SWAG_MAGIC = "swa4j-shift-swag-average";

    private final Path dir;

    private ShiftProgress(Path dir) {
        this.dir = dir;
    }

    /**
     * The progress directory of results directory {@code results} for {@code settings}, created when absent.
     * Progress of other settings is refused unless {@code discard}, which deletes it first.
     */
    static ShiftProgress open(Path results, Settings settings, boolean discard) throws IOException {
        Path dir = results.resolve(DIRECTORY);
        Path file = dir.resolve("settings.json");
        if (Files.isRegularFile(file)) {
            Settings old = Json.read(file, Settings.class);
            if (!old.equals(settings)) {
                if (!discard) {
                    throw new IllegalArgumentException(dir + " holds the evaluations of a stopped run with other settings ("
                            + old + "; now " + settings + "); rerun with those settings to resume it, or pass --force to "
                            + "discard it");
                }
                deleteTree(dir);
            }
        } else if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists without settings.json: not the progress of swa shift; "
                    + "move it away first");
        }
        Files.createDirectories(dir);
        if (!Files.isRegularFile(file)) {
            AtomicFiles.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(settings));
        }
        return new ShiftProgress(dir);
    }

    /** The finished piece of {@code method} and {@code seed}, if it was evaluated from these very {@code inputs}. */
    Optional<Piece> piece(String method, int seed, Map<String, String> inputs) throws IOException {
        Path f = pieceFile(method, seed);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Piece p = Json.read(f, Piece.class);
        if (!p.method().equals(method) || p.seed() != seed) {
            throw new IllegalArgumentException(f + " holds " + p.method() + " of seed " + p.seed() + ", not " + method
                    + " of seed " + seed);
        }
        return p.inputs().equals(inputs) ? Optional.of(p) : Optional.empty();
    }

    /** Keeps {@code piece}, replacing an older one of the same method and seed. */
    void save(Piece piece) throws IOException {
        AtomicFiles.writeString(pieceFile(piece.method(), piece.seed()), Json.mapper().writeValueAsString(piece));
    }

    /** Seed {@code seed}'s SWAG average on every set, if it was computed from the SWAG state of SHA-256 {@code stateSha}. */
    Optional<List<INDArray>> swag(int seed, String stateSha, int sets) throws IOException {
        Path f = swagFile(seed);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Checksums.requireIntactIfChecked(f);
        try (InputStream raw = Files.newInputStream(f); DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
            if (!SWAG_MAGIC.equals(in.readUTF())) {
                throw new IllegalArgumentException(f + " is not a SWAG average of swa shift");
            }
            if (!in.readUTF().equals(stateSha)) {
                return Optional.empty();
            }
            int n = in.readInt();
            if (n != sets) {
                throw new IllegalArgumentException(f + " holds " + n + " sets, not " + sets);
            }
            List<INDArray> out = new ArrayList<>();
            for (int d = 0; d < n; d++) {
                out.add(Nd4j.read(in));
            }
            return Optional.of(out);
        }
    }

    /** Keeps seed {@code seed}'s SWAG average, computed from the SWAG state of SHA-256 {@code stateSha}. */
    void saveSwag(int seed, String stateSha, List<INDArray> average) throws IOException {
        AtomicFiles.writeChecked(swagFile(seed), stream -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
            out.writeUTF(SWAG_MAGIC);
            out.writeUTF(stateSha);
            out.writeInt(average.size());
            for (INDArray a : average) {
                Nd4j.write(a, out);
            }
            out.flush();
        });
    }

    /** Removes the directory: its pieces are in {@code shift/} now. */
    void delete() throws IOException {
        deleteTree(dir);
    }

    private Path pieceFile(String method, int seed) {
        return dir.resolve(method + "-seed" + seed + ".json");
    }

    private Path swagFile(int seed) {
        return dir.resolve("swag-seed" + seed + ".bin");
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
