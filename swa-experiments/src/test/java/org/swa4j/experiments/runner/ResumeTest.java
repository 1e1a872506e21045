package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;

/**
 * kill -9 in the middle of a run, then {@code swa resume}: the resumed run must end with exactly the
 * per-epoch and final metrics of the uninterrupted run ({@link TinyRun}), wall-clock seconds aside.
 * The run to kill is a separate JVM, killed with SIGKILL ({@code destroyForcibly}) as soon as the
 * log shows its first finished epoch, so it dies without any chance to clean up.
 */
class ResumeTest {

    @Test
    void resumeAfterKillNineReproducesTheUninterruptedRun() throws Exception {
        Path uninterrupted = TinyRun.dir();
        Path d = Files.createTempDirectory("swa4j-killed-");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Djavacpp.platform.extension=-onednn-avx2", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", "--preset", TinyRun.PRESET.toString(), "--out", d.toString(), "--threads", "2"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(d.resolveSibling(d.getFileName() + ".out").toFile())
                .start();
        Path log = d.resolve("swa.log");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!(Files.isRegularFile(log) && Files.readString(log).contains("sgd/seed1: epoch 1/2"))) {
            assertTrue(p.isAlive(), "run ended before its first epoch: " + Files.readString(d.resolveSibling(d.getFileName() + ".out")));
            assertTrue(System.nanoTime() < deadline, "no epoch finished within 10 minutes");
            Thread.sleep(50);
        }
        assertTrue(p.isAlive(), "the run must still be running when it is killed");
        p.destroyForcibly();
        p.waitFor();
        ResultsDirectory killed = new ResultsDirectory(d);
        assertFalse(ExperimentRunner.finished(killed, org.swa4j.experiments.preset.Presets.load(TinyRun.PRESET.toString()),
                new Cell("swa", 1)), "the kill happened before the end");

        assertEquals(0, Main.execute("resume", d.toString()));

        ResultsDirectory reference = new ResultsDirectory(uninterrupted);
        for (String m : List.of("sgd", "ema", "fge", "swa")) {
            RunRecord a = Json.read(reference.record(m, 1), RunRecord.class);
            RunRecord b = Json.read(killed.record(m, 1), RunRecord.class);
            assertEquals(RunRecord.FINISHED, b.status(), m);
            assertEquals(a.results(), b.results(), m + " final metrics");
            assertEquals(withoutTime(a.epochs()), withoutTime(b.epochs()), m + " per-epoch metrics");
        }
        assertEquals(Files.readString(uninterrupted.resolve("summary.csv")), Files.readString(d.resolve("summary.csv")));
        assertTrue(Files.readString(log).contains("resuming after epoch"), "the resumed job started from its checkpoint");
    }

    private static List<EpochMetrics> withoutTime(List<EpochMetrics> epochs) {
        return epochs.stream().map(e -> new EpochMetrics(e.epoch(), e.lr(), e.trainLoss(), e.trainAccuracy(), e.testLoss(),
                e.testAccuracy(), e.testEce(), 0)).toList();
    }

    static String classPath() {
        return System.getProperty("java.class.path").replace(File.pathSeparatorChar, ':');
    }
}
