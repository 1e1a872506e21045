package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
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
        Path output = d.resolveSibling(d.getFileName() + ".out");
        Process p = TestProcesses.start(TestProcesses.java(Main.class, "run", "--preset", TinyRun.PRESET.toString(), "--out",
                d.toString(), "--threads", "2"), output);
        Path log = d.resolve("swa.log");
        TestProcesses.awaitWhileAlive(p, output, () -> TestProcesses.text(log).contains("sgd/seed1: epoch 1/2"),
                "its first finished epoch");
        assertTrue(p.isAlive(), "the run must still be running when it is killed");
        p.destroyForcibly();
        p.waitFor();
        ResultsDirectory killed = new ResultsDirectory(d);
        assertFalse(ExperimentRunner.finished(killed, org.swa4j.experiments.preset.Presets.load(TinyRun.PRESET.toString()),
                new Cell("swa", 1)), "the kill happened before the end");
        String firstStart = Json.read(killed.record("sgd", 1), RunRecord.class).provenance().startTime();

        assertEquals(0, Main.execute("resume", d.toString()));

        RunComparison.assertSameResults(uninterrupted, d, 1);
        assertTrue(Files.readString(log).contains("resuming after epoch"), "the resumed job started from its checkpoint");
        Provenance resumed = Json.read(killed.record("sgd", 1), RunRecord.class).provenance();
        assertEquals(firstStart, resumed.startTime(), "a resumed job's record keeps the start of its first process");
        assertTrue(Instant.parse(resumed.endTime()).isAfter(Instant.parse(firstStart)));
    }
}
