package org.swa4j.experiments.runner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.AveragingRule;
import org.swa4j.core.Swag;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.WriteFailedException;
import org.swa4j.models.graph.FlatGradientUpdater;

/**
 * A job's checkpoint directory. Every epoch E the runner writes {@code net-E.zip} (weights, BN
 * statistics and updater state), optionally {@code average-E.bin}, {@code probs-E.bin} and
 * {@code swag-E.bin} (the SWAG collected along the SWA run, {@link Swag#save}), each
 * atomically and with its SHA-256 ({@code FILE.sha256}), then commits the epoch by writing
 * {@code state-E.json} (also checksummed), then deletes the files of epochs older than the previous
 * committed one. So the two newest committed epochs are on disk: a process killed at any point leaves
 * complete files, and a file damaged later (a crash during a copy, a full disk, bad storage) fails its
 * checksum, in which case {@link #latestIntact} falls back to the epoch before, or to none (the job
 * restarts), and says which.
 */
public record Checkpoints(Path dir) {

    private static final Pattern STATE = Pattern.compile("state-(\\d+)\\.json");
    private static final Pattern EPOCH_FILE = Pattern.compile("(net|average|probs|swag|state)-(\\d+)\\.(zip|bin|json)(\\.sha256)?");

    /**
     * The newest committed epoch whose files are all intact, or empty when there is none (a new job, or
     * every checkpoint damaged). Every checkpoint passed over is reported with its problem, and so is
     * the decision: falling back to an older epoch, or restarting the job.
     */
    public Optional<CheckpointState> latestIntact(Consumer<String> report) throws IOException {
        List<Integer> epochs = committedEpochs();
        for (int i = 0; i < epochs.size(); i++) {
            int e = epochs.get(i);
            String problem = problem(e);
            if (problem == null) {
                if (i > 0) {
                    report.accept(dir.getFileName() + ": falling back to the checkpoint after epoch " + e
                            + " (the newer one is damaged); the epochs after it are trained again, with the same result");
                }
                return Optional.of(Json.read(state(e), CheckpointState.class));
            }
            report.accept(dir.getFileName() + ": the checkpoint after epoch " + e + " is unusable: " + problem);
        }
        if (!epochs.isEmpty()) {
            report.accept(dir.getFileName() + ": no intact checkpoint left: restarting this job from its first epoch");
        }
        return Optional.empty();
    }

    /** Committed epochs, newest first. */
    List<Integer> committedEpochs() throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Matcher m = STATE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    /** Null when epoch {@code e}'s state and files are intact, else the first problem found. */
    private String problem(int e) throws IOException {
        String p = Checksums.problem(state(e));
        if (p != null) {
            return p;
        }
        for (Path f : List.of(net(e), average(e), probabilities(e), swag(e))) {
            if (f.equals(net(e)) || Files.exists(f) || Checksums.hasChecksum(f)) {
                p = Checksums.problem(f);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    public Path state(int epoch) {
        return dir.resolve("state-" + epoch + ".json");
    }

    public Path net(int epoch) {
        return dir.resolve("net-" + epoch + ".zip");
    }

    public Path average(int epoch) {
        return dir.resolve("average-" + epoch + ".bin");
    }

    public Path probabilities(int epoch) {
        return dir.resolve("probs-" + epoch + ".bin");
    }

    public Path swag(int epoch) {
        return dir.resolve("swag-" + epoch + ".bin");
    }

    /** Saves a network with its updater state, atomically and checksummed. */
    public static void saveNet(ComputationGraph net, Path file) throws IOException {
        AtomicFiles.writeChecked(file, out -> ModelSerializer.writeModel(net, out, true));
    }

    /**
     * Restores a network saved by {@link #saveNet}, with its updater state (on its direct path), after
     * checking it against its checksum ({@link org.swa4j.experiments.results.CorruptFileException} if it does not match).
     */
    public static ComputationGraph loadNet(Path file) throws IOException {
        Checksums.requireIntactIfChecked(file);
        return FlatGradientUpdater.install(ModelSerializer.restoreComputationGraph(file.toFile(), true));
    }

    public static void saveArray(INDArray array, Path file) throws IOException {
        AtomicFiles.writeChecked(file, out -> Nd4j.write(array, new java.io.DataOutputStream(out)));
    }

    public static INDArray loadArray(Path file) throws IOException {
        Checksums.requireIntactIfChecked(file);
        try (InputStream in = Files.newInputStream(file)) {
            return Nd4j.read(new java.io.DataInputStream(in));
        }
    }

    /**
     * Saves the averaging state to {@code file} atomically, with its checksum ({@link AveragedModel#save}
     * writes its accumulator and scale as held, so a restored average continues bit for bit).
     */
    static void saveAverage(AveragedModel<?> average, Path file) throws IOException {
        Files.deleteIfExists(Checksums.sidecar(file));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            average.save(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            throw new WriteFailedException(file, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Checksums.record(file);
    }

    /**
     * Restores an average saved by {@link #saveAverage} after checking its checksum, its rule and that it
     * holds {@code expectedCount} networks; {@code net} is the resumed live network.
     */
    static AveragedModel<ComputationGraph> loadAverage(Path file, ComputationGraph net, AveragingRule rule, long expectedCount)
            throws IOException {
        Checksums.requireIntactIfChecked(file);
        AveragedModel<ComputationGraph> a = AveragedModel.load(file, net, rule);
        if (a.count() != expectedCount) {
            throw new IllegalStateException(file + " holds an average of " + a.count() + " models; the checkpoint says "
                    + expectedCount);
        }
        return a;
    }

    /**
     * Writes {@code swag}'s state to {@code file} ({@link Swag#save}: exact, written to a temporary file
     * and renamed; the directory is created if absent), then its checksum; a failed write is a
     * {@link WriteFailedException} naming the file.
     */
    public static void saveSwag(Swag<?> swag, Path file) throws IOException {
        Files.deleteIfExists(Checksums.sidecar(file));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            swag.save(file);
        } catch (IOException | RuntimeException e) {
            throw new WriteFailedException(file, e);
        } finally {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".part"));
        }
        Checksums.record(file);
    }

    /**
     * Restores into {@code swag} the state saved by {@link #saveSwag} after checking its checksum and that it
     * holds {@code expectedCount} collected networks.
     */
    public static void loadSwag(Path file, Swag<?> swag, long expectedCount) throws IOException {
        Checksums.requireIntactIfChecked(file);
        swag.restore(file);
        if (swag.count() != expectedCount) {
            throw new IllegalStateException(file + " holds a SWAG of " + swag.count() + " networks; the checkpoint says "
                    + expectedCount);
        }
    }

    /** Writes the files of epoch {@code epoch}: the network, the averaged network and the FGE prediction sum (each optional but the first). */
    public void save(int epoch, ComputationGraph net, AveragedModel<?> average, INDArray probabilities)
            throws IOException {
        save(epoch, net, average, probabilities, null);
    }

    /** As {@link #save(int, ComputationGraph, AveragedModel, INDArray)}, with the SWAG collected along the run (optional). */
    public void save(int epoch, ComputationGraph net, AveragedModel<?> average, INDArray probabilities, Swag<?> swag)
            throws IOException {
        saveNet(net, net(epoch));
        if (average != null) {
            saveAverage(average, average(epoch));
        }
        if (probabilities != null) {
            saveArray(probabilities, probabilities(epoch));
        }
        if (swag != null) {
            saveSwag(swag, swag(epoch));
        }
    }

    /**
     * Commits epoch {@code state.epochsDone()}: writes its state file, then removes the files of every
     * epoch but this one and the newest committed one before it.
     */
    public void commit(CheckpointState state) throws IOException {
        int e = state.epochsDone();
        AtomicFiles.writeChecked(state(e), out -> out.write((Json.mapper().writeValueAsString(state) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        List<Integer> keep = new ArrayList<>(List.of(e));
        committedEpochs().stream().filter(x -> x < e).findFirst().ifPresent(keep::add);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Matcher m = EPOCH_FILE.matcher(f.getFileName().toString());
                if (m.matches() && !keep.contains(Integer.parseInt(m.group(2)))) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Deletes the whole checkpoint directory (the job finished). */
    public void delete() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
