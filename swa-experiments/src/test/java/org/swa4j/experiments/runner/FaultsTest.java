package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.ResultsFormat;
import org.swa4j.experiments.results.ResultsLock;
import org.swa4j.experiments.results.RunRecord;

/**
 * The faults a results directory must survive, each on real runs of the {@code tiny-long} preset
 * (the tiny preset with SWA run for 6 epochs): a second writer, SIGTERM, a damaged checkpoint or
 * model, a full disk, and results of another version or configuration. After each, the run is
 * continued and must end with exactly the metrics of an uninterrupted run.
 */
class FaultsTest {

    static final Path LONG = Path.of("src/test/resources/presets/tiny-long.json").toAbsolutePath();

    private static Path uninterrupted;
    private static Path stopped;
    private static String stoppedOutput;

    @TempDir
    Path tmp;

    /** One uninterrupted run of tiny-long, the reference every continued run must equal. */
    static synchronized Path uninterrupted() throws IOException {
        if (uninterrupted == null) {
            Path d = Files.createTempDirectory("swa4j-tiny-long-");
            TestOutput.Result r = TestOutput.execute("run", "--preset", LONG.toString(), "--out", d.toString(), "--threads", "2");
            assertEquals(0, r.exitCode(), r.text());
            uninterrupted = d;
        }
        return uninterrupted;
    }

    /**
     * One run of tiny-long in a second JVM, sent SIGTERM (as Slurm and Kubernetes do) once the SWA job
     * has committed two checkpoints. Kept untouched: each test works on a copy.
     */
    static synchronized Path stopped() throws Exception {
        if (stopped == null) {
            Path d = Files.createTempDirectory("swa4j-sigterm-");
            Path output = d.resolveSibling(d.getFileName() + ".out");
            Process p = TestProcesses.start(TestProcesses.java(Main.class, "run", "--preset", LONG.toString(), "--out", d.toString(),
                    "--threads", "2"), output);
            Path second = d.resolve("checkpoints/swa-seed1/state-2.json");
            TestProcesses.awaitWhileAlive(p, output, () -> Files.exists(second), "the SWA job's second checkpoint");
            p.destroy(); // SIGTERM
            int rc = p.waitFor();
            stoppedOutput = Files.readString(output);
            assertEquals(143, rc, "exit code after SIGTERM (the run must not have finished first): " + stoppedOutput);
            stopped = d;
        }
        return stopped;
    }

    @Test
    void sigtermStopsBetweenStepsLeavesAConsistentCheckpointAndSaysHowToResume() throws Exception {
        Path d = copy(stopped(), "sigterm");
        assertTrue(stoppedOutput.contains("SIGTERM received: stopping after the current training step"), stoppedOutput);
        assertTrue(stoppedOutput.contains("stopped by SIGTERM during swa/seed1"), stoppedOutput);
        assertTrue(stoppedOutput.contains("Continue with: swa resume " + stopped), stoppedOutput);
        List<String> reports = new ArrayList<>();
        Checkpoints ck = new Checkpoints(d.resolve("checkpoints/swa-seed1"));
        assertTrue(ck.latestIntact(reports::add).isPresent(), "a committed checkpoint is on disk");
        assertEquals(List.of(), reports, "every checkpoint on disk is intact");
        assertEquals(RunRecord.FINISHED, Json.read(new ResultsDirectory(d).record("sgd", 1), RunRecord.class).status(),
                "the finished cells are kept");

        TestOutput.Result r = TestOutput.execute("resume", d.toString());
        assertEquals(0, r.exitCode(), r.text());
        RunComparison.assertSameResults(uninterrupted(), d, 1);
    }

    @Test
    void aDamagedCheckpointFallsBackToThePreviousOne() throws Exception {
        Path d = copy(stopped(), "damaged");
        Checkpoints ck = new Checkpoints(d.resolve("checkpoints/swa-seed1"));
        List<Integer> epochs = ck.committedEpochs();
        assertTrue(epochs.size() >= 2, "two checkpoint generations are kept: " + epochs);
        int newest = epochs.get(0);
        truncateToHalf(ck.net(newest));

        TestOutput.Result r = TestOutput.execute("resume", d.toString());
        assertEquals(0, r.exitCode(), r.text());
        String log = Files.readString(d.resolve("swa.log"));
        assertTrue(log.contains("swa-seed1: the checkpoint after epoch " + newest + " is unusable: " + ck.net(newest)), log);
        assertTrue(log.contains("does not match its SHA-256: truncated or corrupted"), log);
        assertTrue(log.contains("falling back to the checkpoint after epoch " + epochs.get(1)), log);
        RunComparison.assertSameResults(uninterrupted(), d, 1);
    }

    @Test
    void withNoIntactCheckpointTheJobRestarts() throws Exception {
        Path d = copy(stopped(), "all-damaged");
        Checkpoints ck = new Checkpoints(d.resolve("checkpoints/swa-seed1"));
        for (int e : ck.committedEpochs()) {
            flipOneByte(ck.net(e));
        }
        TestOutput.Result r = TestOutput.execute("resume", d.toString());
        assertEquals(0, r.exitCode(), r.text());
        String log = Files.readString(d.resolve("swa.log"));
        assertTrue(log.contains("swa-seed1: no intact checkpoint left: restarting this job from its first epoch"), log);
        RunComparison.assertSameResults(uninterrupted(), d, 1);
    }

    @Test
    void aDamagedModelOfAFinishedCellIsTrainedAgain() throws Exception {
        Path d = copy(uninterrupted(), "model");
        Path model = d.resolve("models/sgd-seed1.zip");
        assertNull(Checksums.problem(model), "models are written with their checksum");
        flipOneByte(model);
        TestOutput.Result r = TestOutput.execute("resume", d.toString());
        assertEquals(0, r.exitCode(), r.text());
        String log = Files.readString(d.resolve("swa.log"));
        assertTrue(log.contains("sgd/seed1: " + model + " (") && log.contains("running the cell again"), log);
        assertNull(Checksums.problem(model), "the model was written again");
        RunComparison.assertSameResults(uninterrupted(), d, 1);
    }

    /**
     * A write that fails part-way, as on a full disk: the resumed process runs under a file-size limit
     * ({@code ulimit -f}, so the kernel fails the write of a checkpoint with EFBIG after writing part of
     * it, exactly where a full disk fails with ENOSPC). The error names the file; every file that was
     * on disk before is unchanged and no temporary file is left.
     */
    @Test
    void aFailedWriteNamesTheFileAndKeepsEverythingWrittenBefore() throws Exception {
        Path d = copy(stopped(), "full");
        Map<String, String> before = contents(d);
        Path output = tmp.resolve("full.out");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -f 24 && exec \"$0\" \"$@\""));
        cmd.addAll(TestProcesses.java(Main.class, "resume", d.toString()));
        Process p = TestProcesses.start(cmd, output);
        int rc = p.waitFor();
        String text = Files.readString(output);
        assertEquals(1, rc, text);
        assertTrue(text.contains("swa: could not write " + d.resolve("checkpoints/swa-seed1/net-")), text);
        assertTrue(text.contains("File too large"), text);
        assertTrue(text.contains("The results and checkpoints written before are intact") && text.contains("swa resume " + d), text);
        assertEquals(before, contents(d), "no file written before the failure changed");

        TestOutput.Result r = TestOutput.execute("resume", d.toString());
        assertEquals(0, r.exitCode(), r.text());
        RunComparison.assertSameResults(uninterrupted(), d, 1);
    }

    @Test
    void aSecondWriterIsRefusedAndAKilledHoldersLockDoesNotBlock() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("locked"));
        Path output = tmp.resolve("holder.out");
        Process holder = TestProcesses.start(TestProcesses.java(LockHolder.class, d.toString()), output);
        TestProcesses.awaitWhileAlive(holder, output, () -> TestProcesses.text(output).contains("locked"), "the lock");

        TestOutput.Result refused = TestOutput.execute("run", "--preset", TinyRun.PRESET.toString(), "--out", d.toString(),
                "--threads", "2");
        assertEquals(ResultsLock.InUseException.EXIT_CODE, refused.exitCode(), refused.text());
        assertTrue(refused.text().contains(d + " is in use: another swa process holds its lock"), refused.text());
        assertTrue(refused.text().contains("pid " + holder.pid() + " on "), refused.text());
        assertFalse(Files.exists(d.resolve("run.json")), "the refused process wrote nothing");

        holder.destroyForcibly(); // kill -9: the lock file keeps its text, but the system releases the lock
        holder.waitFor();
        TestOutput.Result r = TestOutput.execute("run", "--preset", TinyRun.PRESET.toString(), "--out", d.toString(),
                "--threads", "2");
        assertEquals(0, r.exitCode(), r.text());
        assertTrue(Files.readString(d.resolve("swa.log")).contains("was left by a process that ended without releasing it (pid "
                + holder.pid()), "the stale lock is taken over and reported");
        assertEquals(Files.readString(TinyRun.dir().resolve("summary.csv")), Files.readString(d.resolve("summary.csv")));
    }

    @Test
    void oneProcessCannotTakeTheLockTwiceAndAReleasedLockIsClean() throws Exception {
        try (ResultsLock first = ResultsLock.acquire(tmp, "first")) {
            assertThrows(ResultsLock.InUseException.class, () -> ResultsLock.acquire(tmp, "second"));
        }
        try (ResultsLock again = ResultsLock.acquire(tmp, "again")) {
            assertNull(again.previousHolder(), "a released lock leaves no holder behind");
        }
    }

    @Test
    void resultsOfAnotherVersionOrConfigurationAreRefusedWithTheDifference() throws Exception {
        Path d = copy(TinyRun.dir(), "other");
        ResultsDirectory dir = new ResultsDirectory(d);
        RunOptions options = Json.read(dir.runOptions(), RunOptions.class);
        String summary = Files.readString(dir.summary());

        Json.write(dir.runOptions(), withFormat(options, null));
        TestOutput.Result r = TestOutput.execute("resume", d.toString());
        assertEquals(2, r.exitCode(), r.text());
        assertTrue(r.text().contains("was written by a swa4j with results format 1") && r.text().contains("this swa4j writes format "
                + ResultsFormat.CURRENT), r.text());

        Preset changed = Json.mapper().convertValue(
                ((com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().valueToTree(options.preset())).put("lr_init", 0.1),
                Preset.class);
        Json.write(dir.runOptions(), new RunOptions(changed, options.dataDir(), options.allowDownload(), options.threads(),
                options.shard(), options.command(), ResultsFormat.CURRENT));
        r = TestOutput.execute("resume", d.toString());
        assertEquals(2, r.exitCode(), r.text());
        assertTrue(r.text().contains(dir.record("sgd", 1) + " was run with another configuration than " + dir.runOptions()
                + ": lr_init: 0.1 vs 0.05"), r.text());
        r = TestOutput.execute("report", d.toString());
        assertEquals(2, r.exitCode(), r.text());
        assertTrue(r.text().contains("mixes configurations"), r.text());

        Json.write(dir.runOptions(), options);
        r = TestOutput.execute("run", "--preset", LONG.toString(), "--out", d.toString());
        assertEquals(2, r.exitCode(), r.text());
        assertTrue(r.text().contains("already holds results of another configuration of preset 'tiny'")
                && r.text().contains("swa.budgets: [1.0,1.5] vs [1.0,1.5,3.0]"), r.text());
        assertEquals(summary, Files.readString(dir.summary()), "nothing was rewritten");
    }

    @Test
    void aGridGrowsBySeedsKeepingTheFinishedOnes() throws Exception {
        Path d = copy(TinyRun.dir(), "grow");
        ResultsDirectory dir = new ResultsDirectory(d);
        String seedOne = Files.readString(dir.record("swa", 1));
        TestOutput.Result r = TestOutput.execute("run", "--preset", TinyRun.PRESET.toString(), "--seeds", "2", "--out", d.toString(),
                "--threads", "2");
        assertEquals(0, r.exitCode(), r.text());
        assertTrue(Files.readString(d.resolve("swa.log")).contains("3 cells, 3 to run"), "only seed 2's cells ran");
        assertEquals(seedOne, Files.readString(dir.record("swa", 1)), "seed 1's records are kept as they were");
        assertEquals(2, Json.read(dir.runOptions(), RunOptions.class).preset().seeds());
        assertTrue(Files.readAllLines(dir.summary()).get(1).contains(",sgd,1,2,"), "the summary counts both seeds");
    }

    private static RunOptions withFormat(RunOptions o, Integer format) {
        return new RunOptions(o.preset(), o.dataDir(), o.allowDownload(), o.threads(), o.shard(), o.command(), format);
    }

    private Path copy(Path source, String name) throws IOException {
        return TinyRunAccess.copy(source, tmp.resolve(name));
    }

    /** SHA-256 of every file under {@code d} but the log and the lock, by relative path. */
    private static Map<String, String> contents(Path d) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(d)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = d.relativize(f).toString();
                if (!name.equals("swa.log") && !name.equals(".lock")) {
                    out.put(name, Checksums.sha256(f));
                }
            }
        }
        return out;
    }

    private static void truncateToHalf(Path f) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
    }

    private static void flipOneByte(Path f) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x40);
        }
    }
}
