package org.swa4j.experiments.results;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.swa4j.experiments.preset.Preset;

/**
 * How the numbers of a {@code swag} or {@code multiswag} record were made, beside the record's machine
 * provenance: the SWAG settings they used, where the SWAG came from, and, for results computed after the
 * run ({@code swa swag DIR}), the command.
 *
 * @param settings     rank K, scale, samples S, MultiSWAG's M, and the budgets evaluated (resolved: never null)
 * @param source       what was averaged: the SWA run's iterates as it trained, the kept snapshots replayed,
 *                     or (MultiSWAG) the model averages of other seeds
 * @param samplingSeed the seed of the draws' generator ({@code RunSeeds.swagSampling}); null for MultiSWAG
 * @param members      MultiSWAG: the seeds whose SWAG model averages are mixed, in order; null for SWAG
 * @param command      the command that computed the record after the run, or null when the run itself did
 * @param seconds      SWAG computed after the run: the seconds that command spent on this record (replaying the
 *                     snapshots, the draws with their BatchNorm updates, the evaluations); null when the run
 *                     computed it (its clock is the SWA job's) and for MultiSWAG's mixtures
 */
public record SwagProvenance(Preset.SwagOptions settings, String source, Long samplingSeed, List<Integer> members,
        String command, @JsonInclude(JsonInclude.Include.NON_NULL) Double seconds) {

    /** Provenance without a clock of its own: the run's SWAG, MultiSWAG's mixtures. */
    public SwagProvenance(Preset.SwagOptions settings, String source, Long samplingSeed, List<Integer> members, String command) {
        this(settings, source, samplingSeed, members, command, null);
    }

    /** Settings {@code g} (the preset's own when null) with the budgets resolved for preset {@code p} ({@link Preset#swagBudgets}). */
    public static Preset.SwagOptions resolved(Preset p, Preset.SwagOptions g) {
        Preset.SwagOptions given = g == null ? p.swagOptions() : g;
        return new Preset.SwagOptions(given.rank(), given.scale(), given.samples(), given.multiswagModels(), p.swagBudgets(given));
    }
}
