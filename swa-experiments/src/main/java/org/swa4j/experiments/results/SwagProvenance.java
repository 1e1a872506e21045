package org.swa4j.experiments.results;

import java.util.List;

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
 */
public record SwagProvenance(Preset.SwagOptions settings, String source, Long samplingSeed, List<Integer> members,
        String command) {

    /** Settings {@code g} (the preset's own when null) with the budgets resolved for preset {@code p} ({@link Preset#swagBudgets}). */
    public static Preset.SwagOptions resolved(Preset p, Preset.SwagOptions g) {
        Preset.SwagOptions given = g == null ? p.swagOptions() : g;
        return new Preset.SwagOptions(given.rank(), given.scale(), given.samples(), given.multiswagModels(), p.swagBudgets(given));
    }
}
