package org.swa4j.experiments.runner;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;

/**
 * The small part of a job's checkpoint ({@code state.json}); the network, the average, the FGE
 * prediction sum and the SWAG live beside it in files suffixed with {@code epochsDone}.
 *
 * @param epochsDone    epochs completed (the files of this epoch are complete when this file names it)
 * @param iteration     minibatch steps completed in this job
 * @param averageCount  models in the SWA/EMA average
 * @param snapshots     FGE snapshots taken
 * @param epochs        per-epoch metrics so far, by method
 * @param results       results per budget so far, by method
 * @param startTime     when the job first started (ISO-8601)
 * @param seconds       seconds the job has run, over all its processes
 * @param swagCount     networks collected into the SWAG along the SWA run ({@code swag-E.bin}); null (and left
 *                      out of the JSON) in checkpoints without one
 */
public record CheckpointState(int epochsDone, long iteration, long averageCount, int snapshots,
        Map<String, List<EpochMetrics>> epochs, Map<String, List<BudgetResult>> results, String startTime, double seconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long swagCount) {

    /** A checkpoint without a SWAG. */
    public CheckpointState(int epochsDone, long iteration, long averageCount, int snapshots, Map<String, List<EpochMetrics>> epochs,
            Map<String, List<BudgetResult>> results, String startTime, double seconds) {
        this(epochsDone, iteration, averageCount, snapshots, epochs, results, startTime, seconds, null);
    }
}
