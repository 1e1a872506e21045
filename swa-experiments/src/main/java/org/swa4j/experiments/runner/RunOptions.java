package org.swa4j.experiments.runner;

import org.swa4j.experiments.preset.Preset;

/**
 * Everything a results directory needs to be continued by {@code swa resume}: the resolved preset
 * (seeds and budget overrides applied), data directory, threads, shard and the command that started it.
 * Stored as {@code run.json}.
 *
 * @param preset        the preset as run
 * @param dataDir       data directory, or null for the default search
 * @param allowDownload whether missing data may be downloaded
 * @param threads       threads for ND4J (OMP) and data loading
 * @param shard         "i/n"
 * @param command       the command line that created the directory
 * @param resultsFormat the {@link org.swa4j.experiments.results.ResultsFormat} of the swa4j that created it (null
 *                      in directories written before it was recorded)
 */
public record RunOptions(Preset preset, String dataDir, boolean allowDownload, int threads, String shard, String command,
        Integer resultsFormat) {
}
