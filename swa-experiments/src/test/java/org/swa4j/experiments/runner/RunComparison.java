package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;

/** Asserts that a run continued after a fault ended exactly like an uninterrupted one (wall-clock seconds aside). */
final class RunComparison {

    private RunComparison() {
    }

    static void assertSameResults(Path uninterrupted, Path continued, int seed) throws IOException {
        ResultsDirectory reference = new ResultsDirectory(uninterrupted);
        ResultsDirectory other = new ResultsDirectory(continued);
        for (String m : List.of("sgd", "ema", "fge", "swa")) {
            RunRecord a = Json.read(reference.record(m, seed), RunRecord.class);
            RunRecord b = Json.read(other.record(m, seed), RunRecord.class);
            assertEquals(RunRecord.FINISHED, b.status(), m);
            assertEquals(a.results(), b.results(), m + " final metrics");
            assertEquals(withoutTime(a.epochs()), withoutTime(b.epochs()), m + " per-epoch metrics");
        }
        assertEquals(Files.readString(uninterrupted.resolve("summary.csv")), Files.readString(continued.resolve("summary.csv")));
    }

    private static List<EpochMetrics> withoutTime(List<EpochMetrics> epochs) {
        return epochs.stream().map(e -> new EpochMetrics(e.epoch(), e.lr(), e.trainLoss(), e.trainAccuracy(), e.testLoss(),
                e.testAccuracy(), e.testEce(), 0, e.iterations())).toList();
    }
}
