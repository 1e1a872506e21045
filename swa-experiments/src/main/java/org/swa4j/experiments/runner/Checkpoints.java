package org.swa4j.experiments.runner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.Json;
import org.swa4j.models.graph.FlatGradientUpdater;

/**
 * A job's checkpoint directory. Every epoch the runner writes {@code net-E.zip} (weights, BN
 * statistics and updater state), optionally {@code average-E.bin} and {@code probs-E.bin}, each
 * atomically, then {@code state.json} naming epoch E (atomically, last), then deletes the files of
 * older epochs. A process killed at any point leaves a {@code state.json} whose files are complete.
 */
public record Checkpoints(Path dir) {

    public Optional<CheckpointState> state() throws IOException {
        Path f = dir.resolve("state.json");
        return Files.isRegularFile(f) ? Optional.of(Json.read(f, CheckpointState.class)) : Optional.empty();
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

    /** Saves a network with its updater state, atomically. */
    public static void saveNet(ComputationGraph net, Path file) throws IOException {
        AtomicFiles.write(file, out -> ModelSerializer.writeModel(net, out, true));
    }

    /** Restores a network saved by {@link #saveNet}, with its updater state (on its direct path). */
    public static ComputationGraph loadNet(Path file) throws IOException {
        return FlatGradientUpdater.install(ModelSerializer.restoreComputationGraph(file.toFile(), true));
    }

    public static void saveArray(INDArray array, Path file) throws IOException {
        AtomicFiles.write(file, out -> Nd4j.write(array, new java.io.DataOutputStream(out)));
    }

    public static INDArray loadArray(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Nd4j.read(new java.io.DataInputStream(in));
        }
    }

    /** Writes the files of epoch {@code epoch}: the network, the averaged network and the FGE prediction sum (each optional but the first). */
    public void save(int epoch, ComputationGraph net, org.swa4j.core.AveragedModel average, INDArray probabilities)
            throws IOException {
        saveNet(net, net(epoch));
        if (average != null) {
            Averaging.save(average, average(epoch));
        }
        if (probabilities != null) {
            saveArray(probabilities, probabilities(epoch));
        }
    }

    /** Commits epoch {@code state.epochsDone()}: writes state.json, then removes older epochs' files. */
    public void commit(CheckpointState state) throws IOException {
        Json.write(dir.resolve("state.json"), state);
        String keep = "-" + state.epochsDone() + ".";
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if ((n.startsWith("net-") || n.startsWith("average-") || n.startsWith("probs-")) && !n.contains(keep)) {
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
