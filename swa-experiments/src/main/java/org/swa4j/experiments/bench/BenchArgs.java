package org.swa4j.experiments.bench;

import java.util.HashMap;
import java.util.Map;

import org.swa4j.models.layers.LayerFactories;

/**
 * Arguments of {@code swa bench-train}: {@code --model NAME --input CxHxW --batch N --steps N
 * --threads N [--layers stock|native|fused] [--warmup N] [--classes N] [--seed N]
 * [--workspaces enabled|none]}.
 *
 * @param channels input channels C
 * @param height   input height H
 * @param width    input width W
 */
public record BenchArgs(String model, int channels, int height, int width, int batch, int steps, int threads,
        String layers, int warmup, int classes, long seed, boolean workspaces) {

    /** Parses and validates; rejects unknown options and out-of-range values with the value in the message. */
    public static BenchArgs parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            if (!key.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected '--option value' pairs, got '" + key + "'");
            }
            m.put(key.substring(2), args[++i]);
        }
        for (String key : m.keySet()) {
            if (!java.util.Set.of("model", "input", "batch", "steps", "threads", "layers", "warmup", "classes", "seed", "workspaces")
                    .contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key
                        + "; known: --model --input --batch --steps --threads --layers --warmup --classes --seed --workspaces");
            }
        }
        String model = required(m, "model");
        String[] dims = required(m, "input").split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException("--input must be CxHxW (e.g. 1x28x28), got '" + m.get("input") + "'");
        }
        String layers = m.getOrDefault("layers", LayerFactories.defaultFactory().name());
        if (!LayerFactories.names().contains(layers)) {
            throw new IllegalArgumentException("--layers must be one of " + LayerFactories.names() + ", got '" + layers + "'");
        }
        String workspaces = m.getOrDefault("workspaces", "enabled");
        if (!workspaces.equals("enabled") && !workspaces.equals("none")) {
            throw new IllegalArgumentException("--workspaces must be enabled or none, got '" + workspaces + "'");
        }
        return new BenchArgs(model, positive("input C", dims[0]), positive("input H", dims[1]), positive("input W", dims[2]),
                positive("batch", required(m, "batch")), positive("steps", m.getOrDefault("steps", "20")),
                positive("threads", m.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
                layers, nonNegative("warmup", m.getOrDefault("warmup", "8")),
                positive("classes", m.getOrDefault("classes", "10")), Long.parseLong(m.getOrDefault("seed", "42")),
                workspaces.equals("enabled"));
    }

    private static String required(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    private static int positive(String name, String value) {
        int v = parseInt(name, value);
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
        return v;
    }

    private static int nonNegative(String name, String value) {
        int v = parseInt(name, value);
        if (v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + v);
        }
        return v;
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
        }
    }
}
