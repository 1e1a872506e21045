package org.swa4j.experiments.swag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.SwagProvenance;

/**
 * MultiSWAG (Wilson and Izmailov, "Bayesian Deep Learning and a Probabilistic Perspective of
 * Generalization", NeurIPS 2020): an equal-weight mixture of M independently trained SWAG models. The
 * MultiSWAG result of seed k mixes the SWAG model averages of seeds
 * <pre>  k, k + 1, ..., k + M - 1, cyclic over the run's seeds 1..N:  j_i = ((k - 1 + i) mod N) + 1,  i = 0..M-1
 *   p_multiswag(y | x) = (1 / M) sum_i p_swag,j_i(y | x)</pre>
 * read from each seed's {@code models/swag-seedK-probs.bin} at every SWAG budget, so that every seed has
 * a result (with N = M all seeds mix the same models). The record {@code runs/multiswag-seedK.json} has
 * no per-epoch rows; its results are the test metrics of the mixture. A seed whose members include a
 * diverged SWAG run is recorded as diverged at that run's epoch. Nothing is trained or sampled: the cost
 * is reading M files per seed.
 */
public final class MultiSwag {

    private MultiSwag() {
    }

    /** The seeds seed {@code k}'s MultiSWAG mixes among seeds 1..{@code n}, M = {@code m} of them, k first. */
    public static List<Integer> members(int k, int n, int m) {
        if (m < 1 || m > n) {
            throw new IllegalArgumentException("MultiSWAG of M = " + m + " models needs 1 <= M <= seeds = " + n);
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("seed " + k + " is not one of the run's seeds 1.." + n);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            out.add((k - 1 + i) % n + 1);
        }
        return out;
    }

    /** The equal-weight mean {@code (1/M) sum_j p_j} of probabilities of the same shape, summed in the given order. */
    public static double[][] mean(List<double[][]> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("MultiSWAG needs at least one model average");
        }
        int n = members.get(0).length;
        int c = members.get(0)[0].length;
        double[][] sum = new double[n][c];
        for (int j = 0; j < members.size(); j++) {
            double[][] p = members.get(j);
            if (p.length != n || p[0].length != c) {
                throw new IllegalArgumentException("model average " + j + " is " + p.length + " x " + p[0].length + ", the first "
                        + n + " x " + c);
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < c; k++) {
                    sum[i][k] += p[i][k];
                }
            }
        }
        for (double[] row : sum) {
            for (int k = 0; k < c; k++) {
                row[k] /= members.size();
            }
        }
        return sum;
    }

    /**
     * The results of one seed's MultiSWAG: at every budget of {@code budgets}, the metrics of the mean of
     * the members' entries ({@code files}, in member order), which must hold that budget and the same labels.
     */
    public static List<BudgetResult> results(List<Path> files, List<Double> budgets) throws IOException {
        List<SwagProbabilities> members = new ArrayList<>();
        for (Path f : files) {
            members.add(SwagProbabilities.read(f));
        }
        for (int j = 1; j < members.size(); j++) {
            if (!Arrays.equals(members.get(j).labels(), members.get(0).labels())) {
                throw new IllegalArgumentException(files.get(j) + " and " + files.get(0) + " are of different test sets (their labels "
                        + "differ)");
            }
        }
        List<BudgetResult> out = new ArrayList<>();
        for (double b : budgets) {
            List<double[][]> p = new ArrayList<>();
            int epoch = -1;
            for (int j = 0; j < members.size(); j++) {
                int member = j;
                SwagProbabilities.Entry e = members.get(j).entry(b).orElseThrow(() -> new IllegalArgumentException(files.get(member)
                        + " holds no model average at budget " + b + " (it holds " + members.get(member).entries().stream()
                                .map(SwagProbabilities.Entry::budget).toList() + ")"));
                p.add(e.probabilities());
                epoch = e.epoch();
            }
            PredictionMetrics m = SwagEvaluation.metrics(mean(p), members.get(0).labels());
            out.add(new BudgetResult(b, epoch, m.accuracy(), m.nll(), m.ece(), m.reliability()));
        }
        return out;
    }

    /**
     * Writes {@code runs/multiswag-seedK.json} for every seed k of preset {@code p} (the directory's
     * {@code run.json}) whose M members have a finished or diverged SWAG record made with {@code settings}
     * (resolved budgets); returns one line per seed saying what was written or what it waits for.
     *
     * @param command the command computing them after the run, or null when the run itself does
     * @throws IllegalArgumentException if a member's record was made with other settings, or a finished
     *     member's probabilities are missing or damaged
     */
    public static List<String> writeAvailable(ResultsDirectory dir, Preset p, Preset.SwagOptions settings, Provenance provenance,
            String command) throws IOException {
        List<String> lines = new ArrayList<>();
        int n = p.seeds();
        for (int k = 1; k <= n; k++) {
            List<Integer> seeds = members(k, n, settings.multiswagModels());
            List<Integer> waiting = new ArrayList<>();
            RunRecord diverged = null;
            for (int j : seeds) {
                Path f = dir.record("swag", j);
                RunRecord r = Files.isRegularFile(f) ? Json.read(f, RunRecord.class) : null;
                if (r == null || !(r.isFinished() || r.isDiverged())) {
                    waiting.add(j);
                } else if (r.isDiverged()) {
                    diverged = diverged == null ? r : diverged;
                } else if (r.swag() == null || !settings.equals(r.swag().settings())) {
                    throw new IllegalArgumentException("MultiSWAG of seed " + k + " mixes seed " + j + "'s SWAG, but " + f
                            + " was made with " + (r.swag() == null ? "unrecorded settings" : r.swag().settings()) + ", not " + settings
                            + "; compute every seed's SWAG with the same settings (swa swag DIR --force ...)");
                }
            }
            if (!waiting.isEmpty()) {
                lines.add("multiswag seed " + k + ": waits for the swag results of seeds " + waiting);
                continue;
            }
            SwagProvenance how = new SwagProvenance(settings, "the mean of the SWAG model averages of seeds " + seeds
                    + " (models/swag-seedK-probs.bin)", null, seeds, command);
            RunRecord record;
            if (diverged != null) {
                record = new RunRecord("multiswag", k, RunRecord.DIVERGED, diverged.divergedEpoch(), p, provenance, List.of(), List.of(),
                        how);
                lines.add("multiswag seed " + k + ": diverged (the SWAG run of seed " + diverged.seed() + " diverged in epoch "
                        + diverged.divergedEpoch() + ")");
            } else {
                List<BudgetResult> results = results(seeds.stream().map(dir::swagProbabilities).toList(), settings.budgets());
                record = new RunRecord("multiswag", k, RunRecord.FINISHED, null, p, provenance, List.of(), results, how);
                lines.add(String.format(java.util.Locale.ROOT, "multiswag seed %d (seeds %s): %s", k, seeds, results.stream()
                        .map(b -> String.format(java.util.Locale.ROOT, "%.2f%% nll %.4f at budget %s", b.accuracy(), b.nll(), b.budget()))
                        .reduce((a, b) -> a + ", " + b).orElse("")));
            }
            Json.write(dir.record("multiswag", k), record);
        }
        return lines;
    }
}
