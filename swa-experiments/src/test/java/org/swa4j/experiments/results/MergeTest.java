package org.swa4j.experiments.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.runner.RunOptions;

/** Shard directories merge into one summary; unfinished records stay out; conflicts are refused. */
class MergeTest {

    @TempDir
    Path tmp;

    private Path shard(String name, Preset p, List<RunRecord> records) throws IOException {
        ResultsDirectory d = new ResultsDirectory(tmp.resolve(name));
        Json.write(d.runOptions(), new RunOptions(p, null, false, 2, "0/2", "swa run --preset quick --shard x", ResultsFormat.CURRENT));
        for (RunRecord r : records) {
            Json.write(d.record(r.method(), r.seed()), r);
        }
        return d.root();
    }

    static RunRecord rec(Preset p, String method, int seed, String status, double acc) {
        return new RunRecord(method, seed, status, null, p, null, List.of(),
                status.equals(RunRecord.FINISHED) ? List.of(new BudgetResult(1, 10, acc, 0.3, 2)) : List.of());
    }

    @Test
    void mergesShardsIntoOneSummaryAndReport() throws Exception {
        Preset p = Presets.load("quick");
        Path a = shard("a", p, List.of(rec(p, "sgd", 1, RunRecord.FINISHED, 88.1), rec(p, "swa", 1, RunRecord.FINISHED, 88.9),
                rec(p, "sgd", 3, RunRecord.RUNNING, 0)));
        Path b = shard("b", p, List.of(rec(p, "sgd", 2, RunRecord.FINISHED, 88.5), rec(p, "swa", 2, RunRecord.FINISHED, 89.2)));
        Path out = tmp.resolve("merged");
        assertEquals(0, Main.execute("merge", a.toString(), b.toString(), "--out", out.toString()));
        List<String> lines = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("fashion-mnist-embedded,cnn8,sgd,1,2,88.3000,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("fashion-mnist-embedded,cnn8,swa,1,2,89.0500,"), lines.get(2));
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        assertTrue(!Files.exists(new ResultsDirectory(out).record("sgd", 3)), "a running record is not merged");
    }

    @Test
    void refusesConflictsAndDifferentPresetsNamingEveryOne() throws Exception {
        Preset p = Presets.load("quick");
        Path a = shard("a", p, List.of(rec(p, "sgd", 1, RunRecord.FINISHED, 88.1), rec(p, "swa", 2, RunRecord.FINISHED, 89.0),
                rec(p, "ema", 3, RunRecord.FINISHED, 87.0)));
        Path b = shard("b", p, List.of(rec(p, "sgd", 1, RunRecord.FINISHED, 77.0), rec(p, "swa", 2, RunRecord.FINISHED, 88.0),
                rec(p, "ema", 3, RunRecord.FINISHED, 87.0)));
        Path m1 = tmp.resolve("m1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Merge.merge(List.of(a, b), m1, "test"));
        assertTrue(e.getMessage().contains("sgd seed 1 is held twice with different results"), e.getMessage());
        assertTrue(e.getMessage().contains("88.10% at budget 1.0") && e.getMessage().contains("77.00% at budget 1.0"), e.getMessage());
        assertTrue(e.getMessage().contains("swa seed 2 is held twice"), e.getMessage());
        assertFalse(e.getMessage().contains("ema seed 3"), "equal results of one cell are not a conflict: " + e.getMessage());
        assertFalse(Files.exists(m1), "nothing is written when the merge is refused");

        Path c = shard("c", p.withBudget(20), List.of());
        e = assertThrows(IllegalArgumentException.class, () -> Merge.merge(List.of(a, c), tmp.resolve("m2"), "test"));
        assertTrue(e.getMessage().contains("with another configuration") && e.getMessage().contains("budget_epochs: "
                + p.budgetEpochs() + " vs 20"), e.getMessage());

        ResultsDirectory old = new ResultsDirectory(tmp.resolve("old"));
        Json.write(old.runOptions(), new RunOptions(p, null, false, 2, "0/1", "swa run --preset quick", null));
        e = assertThrows(IllegalArgumentException.class, () -> Merge.merge(List.of(a, old.root()), tmp.resolve("m3"), "test"));
        assertTrue(e.getMessage().contains("results format 1") && e.getMessage().contains("format " + ResultsFormat.CURRENT),
                e.getMessage());

        Path d = shard("d", p, List.of(rec(p.withBudget(9), "sgd", 4, RunRecord.FINISHED, 80.0)));
        e = assertThrows(IllegalArgumentException.class, () -> Merge.merge(List.of(d), tmp.resolve("m4"), "test"));
        assertTrue(e.getMessage().contains("sgd-seed4.json was run with another configuration")
                && e.getMessage().contains("budget_epochs: " + p.budgetEpochs() + " vs 9"), e.getMessage());
    }

    private static Path file(Path path, String content, boolean checksum) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        if (checksum) {
            Checksums.record(path);
        }
        return path;
    }

    /**
     * With --models every finished run brings its model files, and only its own: not those of a running
     * record, not {@code swa-seed10...} for {@code swa} seed 1, not {@code swag-seed1...} without a swag
     * record. Without --models none come. A damaged file or a target name holding other bytes is refused
     * before anything is written.
     */
    @Test
    void bringsEveryFinishedRunsModelFilesWithModels() throws Exception {
        Preset p = Presets.load("quick");
        Path a = shard("a", p, List.of(rec(p, "sgd", 1, RunRecord.FINISHED, 88.1), rec(p, "swa", 1, RunRecord.FINISHED, 88.9),
                rec(p, "fge", 1, RunRecord.FINISHED, 88.0)));
        Path b = shard("b", p, List.of(rec(p, "sgd", 2, RunRecord.FINISHED, 88.5), rec(p, "sgd", 3, RunRecord.RUNNING, 0)));
        ResultsDirectory da = new ResultsDirectory(a);
        ResultsDirectory db = new ResultsDirectory(b);
        file(da.model("sgd", 1), "sgd 1", true);
        file(da.model("swa", 1), "swa 1", true);
        file(da.swaSnapshot(1, 5), "swa 1 epoch 5", true);
        file(da.swaSnapshot(1, 6), "swa 1 epoch 6", true);
        file(da.fgeSnapshot(1, 1), "fge 1 snapshot 1", true);
        file(da.fgeSnapshot(1, 2), "fge 1 snapshot 2", false);
        file(da.model("swa", 10), "swa 10: no record", true);
        file(da.swagState(1), "swag 1: no record", true);
        file(db.model("sgd", 2), "sgd 2", true);
        file(db.model("sgd", 3), "sgd 3: running", true);

        Path plain = tmp.resolve("plain");
        assertEquals(0, Merge.merge(List.of(a, b), plain, "test", false).modelFiles());
        assertFalse(Files.exists(plain.resolve("models")), "without --models no model file is brought");

        Path out = tmp.resolve("merged");
        Merge.Outcome outcome = Merge.merge(List.of(a, b), out, "test", true);
        ResultsDirectory m = new ResultsDirectory(out);
        List<Path> expected = List.of(m.model("sgd", 1), m.model("swa", 1), m.swaSnapshot(1, 5), m.swaSnapshot(1, 6),
                m.fgeSnapshot(1, 1), m.fgeSnapshot(1, 2), m.model("sgd", 2));
        for (Path f : expected) {
            Path source = (f.equals(m.model("sgd", 2)) ? db : da).root().resolve(out.relativize(f).toString());
            assertEquals(Files.readString(source), Files.readString(f), f.toString());
            assertEquals(-1L, Files.mismatch(source, f));
        }
        // six files with a checksum bring theirs too: 7 + 6 files
        assertEquals(13, outcome.modelFiles(), outcome.toString());
        assertEquals(13, outcome.linked(), "one file system: hard links");
        assertTrue(Files.isSameFile(da.model("sgd", 1), m.model("sgd", 1)));
        assertTrue(Checksums.problem(m.swaSnapshot(1, 6)) == null, "the checksum came with the file");
        assertFalse(Files.exists(m.model("swa", 10)), "swa-seed10 is not swa seed 1's");
        assertFalse(Files.exists(m.swagState(1)), "no swag record, no swag state");
        assertFalse(Files.exists(m.model("sgd", 3)), "a running record brings nothing");

        assertEquals(0, Merge.merge(List.of(a, b), out, "test", true).modelFiles(), "merging again: every file is already there");

        Path clash = tmp.resolve("clash");
        file(new ResultsDirectory(clash).model("sgd", 2), "another sgd 2", false);
        Files.writeString(da.fgeSnapshot(1, 1), "fge 1 snapshot 1, damaged");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Merge.merge(List.of(a, b), clash, "test", true));
        assertTrue(e.getMessage().contains(new ResultsDirectory(clash).model("sgd", 2) + " already exists with other bytes than "
                + db.model("sgd", 2)), e.getMessage());
        assertTrue(e.getMessage().contains(da.fgeSnapshot(1, 1) + " (25 bytes) does not match its SHA-256"), e.getMessage());
        assertFalse(Files.exists(new ResultsDirectory(clash).runOptions()), "nothing is written when the merge is refused");
    }
}
