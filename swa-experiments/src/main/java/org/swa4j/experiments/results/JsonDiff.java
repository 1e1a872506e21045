package org.swa4j.experiments.results;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The differences between two JSON values as readable lines ({@code "lr_init: 0.05 vs 0.1"}), so that
 * a refusal to mix two configurations names what differs instead of only saying that something does.
 */
public final class JsonDiff {

    private JsonDiff() {
    }

    /** Every path at which {@code a} and {@code b} differ, as {@code "path: a-value vs b-value"}; empty when equal. */
    public static List<String> of(Object a, Object b) {
        List<String> out = new ArrayList<>();
        walk("", Json.mapper().valueToTree(a), Json.mapper().valueToTree(b), out);
        return out;
    }

    /**
     * The differences between two presets that make them different experiments: every field but
     * {@code seeds}, since seed k's runs do not depend on how many seeds the grid has (a grid may
     * grow by seeds, and one directory's records may come from runs of 8 and of 16 seeds).
     */
    public static List<String> ofExperiments(org.swa4j.experiments.preset.Preset a, org.swa4j.experiments.preset.Preset b) {
        return of(a.withSeeds(1), b.withSeeds(1));
    }

    /** {@link #ofExperiments} as a summary of at most {@code max} differences. */
    public static String experimentsSummary(org.swa4j.experiments.preset.Preset a, org.swa4j.experiments.preset.Preset b, int max) {
        return summary(a.withSeeds(1), b.withSeeds(1), max);
    }

    /** The first {@code max} differences joined with "; ", and how many more there are. */
    public static String summary(Object a, Object b, int max) {
        List<String> all = of(a, b);
        String shown = String.join("; ", all.subList(0, Math.min(max, all.size())));
        return all.size() > max ? shown + "; and " + (all.size() - max) + " more" : shown;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a == null || b == null || a.isMissingNode() || b.isMissingNode()) {
            out.add(name(path) + ": " + text(a) + " vs " + text(b));
        } else if (a.isObject() && b.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                walk(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            Iterator<JsonNode> ia = a.elements();
            Iterator<JsonNode> ib = b.elements();
            for (int i = 0; ia.hasNext(); i++) {
                walk(path + "[" + i + "]", ia.next(), ib.next(), out);
            }
        } else if (!a.equals(b)) {
            out.add(name(path) + ": " + text(a) + " vs " + text(b));
        }
    }

    private static String name(String path) {
        return path.isEmpty() ? "(value)" : path;
    }

    private static String text(JsonNode n) {
        return n == null || n.isMissingNode() ? "(absent)" : n.toString();
    }
}
