package org.swa4j.experiments.swag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.SwagProvenance;

/** MultiSWAG's grouping of seeds and its mixture, against means and metrics worked out by hand from given files. */
class MultiSwagTest {

    @TempDir
    Path tmp;

    /** Two test examples, labels 1 and 0; three seeds' model averages. */
    static final int[] LABELS = {1, 0};
    static final double[][] A = {{0.2, 0.8}, {0.6, 0.4}};
    static final double[][] B = {{0.5, 0.5}, {0.3, 0.7}};
    static final double[][] C = {{0.8, 0.2}, {0.9, 0.1}};

    @Test
    void membersAreTheNextSeedsCyclically() {
        assertEquals(List.of(1, 2, 3), MultiSwag.members(1, 4, 3));
        assertEquals(List.of(3, 4, 1), MultiSwag.members(3, 4, 3));
        assertEquals(List.of(4, 1, 2), MultiSwag.members(4, 4, 3));
        assertEquals(List.of(2, 1), MultiSwag.members(2, 2, 2));
        assertEquals("MultiSWAG of M = 5 models needs 1 <= M <= seeds = 4",
                assertThrows(IllegalArgumentException.class, () -> MultiSwag.members(1, 4, 5)).getMessage());
        assertEquals("seed 5 is not one of the run's seeds 1..4",
                assertThrows(IllegalArgumentException.class, () -> MultiSwag.members(5, 4, 2)).getMessage());
    }

    @Test
    void theMixtureOfGivenFilesIsTheirMeanAndItsMetrics() throws Exception {
        Path a = file("a", A, 1.5);
        Path b = file("b", B, 1.5);
        Path c = file("c", C, 1.5);
        double[][] hand = {{(0.2 + 0.5 + 0.8) / 3, (0.8 + 0.5 + 0.2) / 3}, {(0.6 + 0.3 + 0.9) / 3, (0.4 + 0.7 + 0.1) / 3}};
        double[][] mean = MultiSwag.mean(List.of(A, B, C));
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 2; k++) {
                assertEquals(hand[i][k], mean[i][k], 1e-15);
            }
        }
        // mean: example 0 (0.5, 0.5): a tie, argmax the first class 0, label 1: wrong; example 1 (0.6, 0.4), label 0: right
        BudgetResult r = MultiSwag.results(List.of(a, b, c), List.of(1.5)).get(0);
        assertEquals(1.5, r.budget());
        assertEquals(3, r.epochs());
        assertEquals(50.0, r.accuracy(), 1e-12);
        assertEquals(-(Math.log(0.5) + Math.log(0.6)) / 2, r.nll(), 1e-12);
        // bins: 0.5 -> 7 (wrong), 0.6 -> 8 (right): ECE = 1/2 |0 - 50| + 1/2 |100 - 60| = 45
        assertEquals(45.0, r.ece(), 1e-9);
        assertEquals(1L, r.reliability().count().get(7));
        assertEquals(1L, r.reliability().count().get(8));
        // two of them, as seed 3 of a 3-seed run with M = 2 mixes seeds 3 and 1
        BudgetResult two = MultiSwag.results(List.of(c, a), List.of(1.5)).get(0);
        assertEquals(-(Math.log((0.2 + 0.8) / 2) + Math.log((0.9 + 0.6) / 2)) / 2, two.nll(), 1e-12);
    }

    @Test
    void refusesFilesOfOtherTestSetsOrWithoutTheBudget() throws Exception {
        Path a = file("a", A, 1.5);
        Path other = tmp.resolve("other.bin");
        new SwagProbabilities(new int[] {0, 0}, List.of(new SwagProbabilities.Entry(1.5, 3, B))).write(other);
        assertEquals(other + " and " + a + " are of different test sets (their labels differ)",
                assertThrows(IllegalArgumentException.class, () -> MultiSwag.results(List.of(a, other), List.of(1.5))).getMessage());
        assertEquals(a + " holds no model average at budget 1.0 (it holds [1.5])",
                assertThrows(IllegalArgumentException.class, () -> MultiSwag.results(List.of(a), List.of(1.0))).getMessage());
    }

    @Test
    void writesARecordPerSeedOnceItsMembersAreDone() throws Exception {
        Preset q = Presets.load("quick");
        Preset p = new Preset(q.name(), q.description(), q.dataset(), q.model(), q.layers(), q.trainLimit(), q.testLimit(), q.augment(),
                q.normalisation(), 3, q.batchSize(), q.budgetEpochs(), q.lrInit(), q.lrSchedule(), q.momentum(), q.weightDecay(),
                List.of("sgd", "swa", "swag", "multiswag"), q.ema(), q.fge(), q.swa(), new Preset.SwagOptions(20, 0.5, 30, 2, null),
                q.pretrained(), q.paper());
        Preset.SwagOptions settings = SwagProvenance.resolved(p, null);
        ResultsDirectory dir = new ResultsDirectory(tmp.resolve("run"));
        swag(dir, p, settings, 1, A);
        swag(dir, p, settings, 2, B);
        List<String> lines = MultiSwag.writeAvailable(dir, p, settings, null, null);
        assertEquals("multiswag seed 2: waits for the swag results of seeds [3]", lines.get(1));
        assertEquals("multiswag seed 3: waits for the swag results of seeds [3]", lines.get(2));
        RunRecord one = Json.read(dir.record("multiswag", 1), RunRecord.class);
        assertEquals(RunRecord.FINISHED, one.status());
        assertEquals(List.of(1, 2), one.swag().members());
        assertEquals(MultiSwag.results(List.of(dir.swagProbabilities(1), dir.swagProbabilities(2)), List.of(1.5)), one.results());
        assertEquals(List.of(), one.epochs());
        assertTrue(!Files.exists(dir.record("multiswag", 2)));

        Json.write(dir.record("swag", 3), new RunRecord("swag", 3, RunRecord.DIVERGED, 7, p, null, List.of(), List.of(),
                new SwagProvenance(settings, "test", 3L, null, null)));
        MultiSwag.writeAvailable(dir, p, settings, null, null);
        RunRecord three = Json.read(dir.record("multiswag", 3), RunRecord.class);
        assertEquals(RunRecord.DIVERGED, three.status());
        assertEquals(7, three.divergedEpoch(), "seed 3 mixes seeds 3 and 1; seed 3's SWAG diverged in epoch 7");
        assertEquals(List.of(), three.results());

        Preset.SwagOptions other = new Preset.SwagOptions(20, 0.5, 10, 2, List.of(1.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultiSwag.writeAvailable(dir, p, other, null, null));
        assertTrue(e.getMessage().startsWith("MultiSWAG of seed 1 mixes seed 1's SWAG, but " + dir.record("swag", 1) + " was made with "),
                e.getMessage());
        assertNull(Json.read(dir.record("multiswag", 1), RunRecord.class).swag().samplingSeed());
    }

    private void swag(ResultsDirectory dir, Preset p, Preset.SwagOptions settings, int seed, double[][] probabilities) throws Exception {
        new SwagProbabilities(LABELS, List.of(new SwagProbabilities.Entry(1.5, 9, probabilities))).write(dir.swagProbabilities(seed));
        Json.write(dir.record("swag", seed), new RunRecord("swag", seed, RunRecord.FINISHED, null, p, null, List.of(), List.of(),
                new SwagProvenance(settings, "test", (long) seed, null, null)));
    }

    private Path file(String name, double[][] p, double budget) throws Exception {
        Path f = tmp.resolve(name + ".bin");
        new SwagProbabilities(LABELS, List.of(new SwagProbabilities.Entry(budget, 3, p))).write(f);
        return f;
    }
}
