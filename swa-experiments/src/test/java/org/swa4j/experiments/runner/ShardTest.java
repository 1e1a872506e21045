package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.preset.Presets;

/** Shards partition a preset's cells by whole seeds: disjoint, complete, deterministic. */
class ShardTest {

    @Test
    void shardsPartitionTheCells() {
        List<Cell> all = Cell.all(Presets.load("quick").withSeeds(3));
        assertEquals(9, all.size(), "3 seeds x (sgd+ema, fge, swa)");
        assertEquals(new Cell("sgd", 1), all.get(0));
        assertEquals(new Cell("swa", 3), all.get(8));
        for (int n = 1; n <= 10; n++) {
            List<Cell> union = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                union.addAll(new Shard(i, n).select(all));
            }
            assertEquals(all.size(), union.size(), "n = " + n);
            assertEquals(new HashSet<>(all), Set.copyOf(union), "n = " + n);
        }
        // seed s goes to shard (s - 1) mod n, with all three of its jobs, SGD before FGE
        assertEquals(List.of(new Cell("sgd", 2), new Cell("fge", 2), new Cell("swa", 2)), new Shard(1, 3).select(all));
        assertEquals(List.of(new Cell("sgd", 1), new Cell("fge", 1), new Cell("swa", 1),
                new Cell("sgd", 3), new Cell("fge", 3), new Cell("swa", 3)), new Shard(0, 2).select(all));
        assertEquals(List.of(), new Shard(3, 4).select(all), "more shards than seeds: the extra ones are empty");
    }

    @Test
    void parsesAndRejects() {
        assertEquals(new Shard(2, 4), Shard.parse("2/4"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/4"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("-1/4"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("1/0"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("1-4"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("a/b"));
    }
}
