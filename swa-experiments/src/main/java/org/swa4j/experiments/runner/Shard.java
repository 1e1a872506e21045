package org.swa4j.experiments.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic slice {@code index/count} of a preset's cells: cell k (in the order of
 * {@link Cell#all}) belongs to shard {@code k mod count}. Shard indices are 0-based, as Slurm's
 * {@code SLURM_ARRAY_TASK_ID} (with {@code --array=0-(n-1)}) and Kubernetes'
 * {@code JOB_COMPLETION_INDEX} are. Rejects a count below 1 and an index outside [0, count).
 */
public record Shard(int index, int count) {

    /** The whole grid. */
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1) {
            throw new IllegalArgumentException("shard count " + count + " must be >= 1");
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard index " + index + " must be in [0, " + count + ")");
        }
    }

    /** Parses {@code "i/n"}; rejects anything else with the expected form. */
    public static Shard parse(String text) {
        String[] parts = text.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--shard '" + text + "' must look like i/n, e.g. 0/4");
        }
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard '" + text + "' must be two integers i/n, e.g. 0/4");
        }
    }

    /** The cells of {@code all} that belong to this shard. */
    public List<Cell> select(List<Cell> all) {
        List<Cell> out = new ArrayList<>();
        for (int k = 0; k < all.size(); k++) {
            if (k % count == index) {
                out.add(all.get(k));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
