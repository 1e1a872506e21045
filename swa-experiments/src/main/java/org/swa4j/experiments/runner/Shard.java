package org.swa4j.experiments.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic slice {@code index/count} of a preset's cells, by whole seeds: the cells of seed
 * s belong to shard {@code (s - 1) mod count}, as in the PyTorch peer ({@code parity.py --shard}).
 * A seed's FGE job then finds its SGD checkpoint in the shard's own directory instead of retraining
 * the SGD prefix (80% of the budget), and a shard that finishes holds complete seeds, which a paired
 * test can use at once. A shard count above the seed count leaves the extra shards empty.
 * Shard indices are 0-based, as Slurm's
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

    /** The cells of {@code all} that belong to this shard, in their order in {@code all}. */
    public List<Cell> select(List<Cell> all) {
        List<Cell> out = new ArrayList<>();
        for (Cell cell : all) {
            if ((cell.seed() - 1) % count == index) {
                out.add(cell);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
