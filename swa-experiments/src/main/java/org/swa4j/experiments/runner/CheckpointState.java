package org.swa4j.experiments.runner;

import java.util.List;
import java.util.Map;

import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;

/**
 * The small part of a job's checkpoint ({@code state.json}); the network, the average and the FGE
 * prediction sum live beside it in files suffixed with {@code epochsDone}.
 *
 * @param epochsDone    epochs completed (the files of this epoch are complete when this file names it)
 * @param iteration     minibatch steps completed in this job
 * @param averageCount  models in the SWA/EMA average
 * @param snapshots     FGE snapshots taken
 * @param epochs        per-epoch metrics so far, by method
 * @param results       results per budget so far, by method
 * @param startTime     when the job first started (ISO-8601)
 * @param seconds       seconds the job has run, over all its processes
 */
public record CheckpointState(int epochsDone, long iteration, long averageCount, int snapshots,
        Map<String, List<EpochMetrics>> epochs, Map<String, List<BudgetResult>> results, String startTime, double seconds) {
}
