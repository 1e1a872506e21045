package org.swa4j.experiments.preset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.swa4j.experiments.results.Json;

/**
 * The presets shipped with swa4j (resources {@code presets/<name>.json}, listed in
 * {@code presets/index.txt}) and presets from users' files. {@code --preset X} means the built-in
 * preset X, or the JSON file X if X ends in {@code .json} or is an existing file.
 */
public final class Presets {

    private Presets() {
    }

    /** Names of the built-in presets, in the order of {@code index.txt}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        try (InputStream in = Presets.class.getResourceAsStream("/presets/index.txt")) {
            if (in == null) {
                throw new IllegalStateException("resource /presets/index.txt is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null;) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** The built-in preset {@code name} or the preset in file {@code name}; unknown names list the known ones. */
    public static Preset load(String name) {
        Path file = Path.of(name);
        try {
            if (name.endsWith(".json") || Files.isRegularFile(file)) {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("preset file " + file.toAbsolutePath() + " does not exist");
                }
                return Json.read(file, Preset.class);
            }
            try (InputStream in = Presets.class.getResourceAsStream("/presets/" + name + ".json")) {
                if (in == null) {
                    throw new IllegalArgumentException("unknown preset '" + name + "'; built-in presets: " + names()
                            + " (or give the path of a .json file)");
                }
                return Json.mapper().readValue(in, Preset.class);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read preset '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The JSON text of built-in preset {@code name}, for users to copy. */
    public static String text(String name) {
        try {
            return Json.mapper().writeValueAsString(load(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
