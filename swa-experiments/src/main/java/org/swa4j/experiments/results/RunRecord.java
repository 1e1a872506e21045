package org.swa4j.experiments.results;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

import org.swa4j.experiments.preset.Preset;

/**
 * The JSON record of one method and one seed ({@code runs/<method>-seed<k>.json}): the full
 * preset, the seed, provenance, per-epoch metrics and the final metrics per budget. A run whose
 * loss became NaN or infinite has status {@code diverged}, the epoch in {@code divergedEpoch},
 * and no results: it never enters an average.
 */
public record RunRecord(String method, int seed, String status, Integer divergedEpoch, Preset preset,
        Provenance provenance, List<EpochMetrics> epochs, List<BudgetResult> results) {

    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    public static final String DIVERGED = "diverged";

    /** The file name of this record inside {@code runs/}. */
    public static String fileName(String method, int seed) {
        return method + "-seed" + seed + ".json";
    }

    @JsonIgnore
    public boolean isFinished() {
        return FINISHED.equals(status);
    }

    @JsonIgnore
    public boolean isDiverged() {
        return DIVERGED.equals(status);
    }
}
