package org.swa4j.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fast Geometric Ensembling's prediction (Garipov et al. 2018; {@code dnn-mode-connectivity fge.py}):
 * the mean over the K snapshots of the network's output probabilities,
 * <pre>  p(y | x) = (1 / K) sum_k softmax(f(x; w_k))</pre>
 * where the network's output layer is expected to apply the softmax (as a DL4J classifier's
 * {@code OutputLayer} does); the ensemble averages whatever {@code output(x)} returns.
 *
 * <p>A snapshot is the network's flat parameter vector (weights and BatchNorm statistics; FGE does
 * not recompute BatchNorm). {@link #inMemory} keeps the snapshots as arrays; {@link #onDisk} writes
 * each to a file in a directory and reads it back when predicting, so that K snapshots of a large
 * model need one copy in memory. Prediction loads each snapshot into one working copy of the network.
 *
 * <p>Rejects (IllegalArgumentException): a model that is not a MultiLayerNetwork or
 * single-input, single-output ComputationGraph, a snapshot whose layout differs from the template's,
 * null features; predicting with no snapshot is an IllegalStateException.
 */
public final class SnapshotEnsemble {

    private final ParamLayout layout;
    private final Model work;
    private final Path directory;
    private final List<INDArray> inMemory = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    private SnapshotEnsemble(Model template, Path directory) {
        this.layout = ParamLayout.of(template);
        if (template instanceof ComputationGraph cg && (cg.getNumInputArrays() != 1 || cg.getNumOutputArrays() != 1)) {
            throw new IllegalArgumentException("ComputationGraph has " + cg.getNumInputArrays() + " inputs and "
                    + cg.getNumOutputArrays() + " outputs; SnapshotEnsemble supports 1 and 1");
        }
        this.work = NetworkCopies.copyOf(template);
        this.directory = directory;
    }

    /** An ensemble of networks shaped like {@code template}, snapshots kept in memory. */
    public static SnapshotEnsemble inMemory(Model template) {
        return new SnapshotEnsemble(template, null);
    }

    /** An ensemble whose snapshots are written to files in {@code directory} (created if absent). */
    public static SnapshotEnsemble onDisk(Model template, Path directory) throws IOException {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        Files.createDirectories(directory);
        return new SnapshotEnsemble(template, directory);
    }

    /** Adds a snapshot of {@code net}'s current parameters. */
    public void add(Model net) {
        if (net == null) {
            throw new IllegalArgumentException("net must not be null");
        }
        layout.requireSame(ParamLayout.of(net));
        INDArray params = net.params();
        if (directory == null) {
            inMemory.add(params.dup());
            return;
        }
        Path file = directory.resolve(String.format("snapshot-%04d.bin", files.size()));
        try {
            Nd4j.saveBinary(params, file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + file, e);
        }
        files.add(file);
    }

    /** Number of snapshots. */
    public int size() {
        return directory == null ? inMemory.size() : files.size();
    }

    /** Files of the snapshots kept on disk, in order (empty for an in-memory ensemble). */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** Mean over the snapshots of the network's output (class probabilities) for {@code features}. */
    public INDArray predict(INDArray features) {
        if (features == null) {
            throw new IllegalArgumentException("features must not be null");
        }
        int k = size();
        if (k == 0) {
            throw new IllegalStateException("the ensemble has no snapshots; add at least one before predict");
        }
        INDArray sum = null;
        for (int i = 0; i < k; i++) {
            work.params().assign(snapshot(i));
            INDArray out = output(features);
            sum = sum == null ? out.dup() : sum.addi(out);
        }
        return sum.divi(k);
    }

    private INDArray snapshot(int i) {
        if (directory == null) {
            return inMemory.get(i);
        }
        try {
            return Nd4j.readBinary(files.get(i).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + files.get(i), e);
        }
    }

    private INDArray output(INDArray features) {
        if (work instanceof MultiLayerNetwork mln) {
            return mln.output(features, false);
        }
        return ((ComputationGraph) work).output(false, features)[0];
    }
}
