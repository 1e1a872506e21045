package org.swa4j.experiments.results;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import org.swa4j.experiments.preset.Preset;

/**
 * The JSON record of one method and one seed ({@code runs/<method>-seed<k>.json}): the full
 * preset, the seed, provenance, per-epoch metrics and the final metrics per budget. A run whose
 * loss became NaN or infinite has status {@code diverged}, the epoch in {@code divergedEpoch},
 * and no results: it never enters an average. Records of SWAG and MultiSWAG also say how they were
 * made ({@code swag}, {@link SwagProvenance}); the key is left out of the others.
 */
public record RunRecord(String method, int seed, String status, Integer divergedEpoch, Preset preset,
        Provenance provenance, List<EpochMetrics> epochs, List<BudgetResult> results,
        @JsonInclude(JsonInclude.Include.NON_NULL) SwagProvenance swag) {

    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    public static final String DIVERGED = "diverged";

    /** A record of a method other than SWAG and MultiSWAG. */
    public RunRecord(String method, int seed, String status, Integer divergedEpoch, Preset preset, Provenance provenance,
            List<EpochMetrics> epochs, List<BudgetResult> results) {
        this(method, seed, status, divergedEpoch, preset, provenance, epochs, results, null);
    }

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
