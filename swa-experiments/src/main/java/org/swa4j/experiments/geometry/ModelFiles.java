package org.swa4j.experiments.geometry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Reads DL4J model files ({@code ModelSerializer} zips) of either kind: a file whose
 * {@code configuration.json} has graph {@code vertices} is restored as a {@code ComputationGraph},
 * one with layer {@code confs} as a {@code MultiLayerNetwork}. The updater state is not loaded.
 *
 * <p>Rejects, with an {@link IllegalArgumentException} that names the file: a missing or unreadable
 * file, a file that is not a zip, a zip without {@code configuration.json}, a configuration of
 * neither kind, and a file that DL4J fails to restore (with DL4J's reason).
 */
public final class ModelFiles {

    /** The two kinds of DL4J network. */
    public enum Kind { MULTI_LAYER_NETWORK, COMPUTATION_GRAPH }

    private ModelFiles() {
    }

    /** The network stored in {@code file}. */
    public static Model load(Path file) {
        Kind kind = kindOf(file);
        try {
            return kind == Kind.COMPUTATION_GRAPH
                    ? ModelSerializer.restoreComputationGraph(file.toFile(), false)
                    : ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": DL4J cannot restore this model: " + e.getMessage(), e);
        }
    }

    /** Which kind of network {@code file} holds, from its {@code configuration.json}. */
    public static Kind kindOf(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(file + ": no such readable file");
        }
        String json;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(ModelSerializer.CONFIGURATION_JSON);
            if (entry == null) {
                throw new IllegalArgumentException(file + ": not a DL4J model file (no "
                        + ModelSerializer.CONFIGURATION_JSON + " inside)");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable DL4J model file (" + e.getMessage() + ")", e);
        }
        if (json.contains("\"vertices\"")) {
            return Kind.COMPUTATION_GRAPH;
        }
        if (json.contains("\"confs\"")) {
            return Kind.MULTI_LAYER_NETWORK;
        }
        throw new IllegalArgumentException(file + ": configuration is neither a MultiLayerNetwork nor a ComputationGraph");
    }
}
