package org.swa4j.experiments.shift;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.swa4j.core.Swag;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.swag.SwagEvaluation;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.RunSeeds;

/**
 * A run's SWAG as {@code swa shift} evaluates it: the state each seed left ({@code models/swag-seedK.bin},
 * that of the largest SWAG budget), the settings its finished record names ({@code runs/swag-seedK.json}),
 * and the draws of that budget's model average: the seed's generator ({@link SwagEvaluation#sampling}) and
 * pass e of the run's BatchNorm-update stream, e the 0-based epoch of the largest budget. With the run's
 * number of samples the clean test set therefore gives the metrics the record holds. MultiSWAG's members
 * are those its finished record names ({@code runs/multiswag-seedK.json}).
 *
 * <p>Refuses (IllegalArgumentException naming the files) finished SWAG records of different settings and a
 * state file that is damaged, of another network, or empty.
 */
final class SwagPosteriors {

    private final ResultsDirectory results;
    private final Preset preset;
    private final InMemoryImageDataset data;
    private final Preset.SwagOptions settings;
    private final int samples;
    private final Set<Integer> swag;
    private final Map<Integer, List<Integer>> multiswag;

    private SwagPosteriors(ResultsDirectory results, Preset preset, InMemoryImageDataset data, Preset.SwagOptions settings, int samples,
            Set<Integer> swag, Map<Integer, List<Integer>> multiswag) {
        this.results = results;
        this.preset = preset;
        this.data = data;
        this.settings = settings;
        this.samples = samples;
        this.swag = swag;
        this.multiswag = multiswag;
    }

    /**
     * The SWAG of the run in {@code results} (whose data set is {@code data}), drawing {@code samples} networks
     * (null: the records' number); null when the directory holds no finished SWAG record.
     */
    static SwagPosteriors of(ResultsDirectory results, Preset preset, InMemoryImageDataset data, Integer samples) throws IOException {
        Preset.SwagOptions settings = null;
        Path first = null;
        Set<Integer> swag = new TreeSet<>();
        Map<Integer, List<Integer>> multiswag = new TreeMap<>();
        for (RunRecord r : results.records()) {
            if (!r.isFinished()) {
                continue;
            }
            if (r.method().equals("multiswag") && r.swag() != null && r.swag().members() != null) {
                multiswag.put(r.seed(), List.copyOf(r.swag().members()));
            }
            if (!r.method().equals("swag")) {
                continue;
            }
            Path f = results.record("swag", r.seed());
            if (r.swag() == null) {
                throw new IllegalArgumentException(f + " does not say how its SWAG was made (no \"swag\" key); compute it again with "
                        + "swa swag " + results.root() + " --force");
            }
            swag.add(r.seed());
            if (settings == null) {
                settings = r.swag().settings();
                first = f;
            } else if (!settings.equals(r.swag().settings())) {
                throw new IllegalArgumentException(f + " was made with " + r.swag().settings() + ", " + first + " with " + settings
                        + "; swa shift evaluates one SWAG setting: compute every seed's with the same (swa swag --force)");
            }
        }
        if (settings == null) {
            return null;
        }
        return new SwagPosteriors(results, preset, data, settings, samples != null ? samples : settings.samples(), swag, multiswag);
    }

    /** The file of seed {@code seed}'s SWAG state. */
    Path state(int seed) {
        return results.swagState(seed);
    }

    /** Whether seed {@code seed} has a finished SWAG record and kept its state. */
    boolean hasSwag(int seed) {
        return swag.contains(seed) && Files.isRegularFile(state(seed));
    }

    /** The SWAG of seed {@code seed}, restored from {@link #state} after checking its checksum. */
    Swag<ComputationGraph> load(int seed) throws IOException {
        Path f = state(seed);
        Checksums.requireIntactIfChecked(f);
        Swag<ComputationGraph> swag = SwagEvaluation.create(Networks.create(preset, data, RunSeeds.initialisation(seed)), settings.rank());
        swag.restore(f);
        if (swag.count() == 0) {
            throw new IllegalArgumentException(f + " holds a SWAG of no networks");
        }
        return swag;
    }

    /** The generator of seed {@code seed}'s draws, as the run's model averages start it (ND4J's generator seeded too). */
    SplittableRandom sampling(int seed) {
        return SwagEvaluation.sampling(seed);
    }

    /** Seed {@code seed}'s BatchNorm-update stream at the pass of the largest budget's first draw. */
    EpochIterator batchNormData(int seed) {
        EpochIterator it = data.train(preset.batchSize(), RunSeeds.batchNormData(seed), preset.augment());
        List<Double> budgets = settings.budgets();
        it.setEpoch(preset.epochsAt(budgets.get(budgets.size() - 1)) - 1);
        return it;
    }

    /** The scale of the draws (1/2: from N(mean, Sigma)). */
    double scale() {
        return settings.scale();
    }

    /** The number of draws S per model average. */
    int samples() {
        return samples;
    }

    /** The seeds whose SWAG averages seed {@code seed}'s finished MultiSWAG record mixes, in order; empty without one. */
    List<Integer> multiswagMembers(int seed) {
        return multiswag.getOrDefault(seed, List.of());
    }

    /** Whether seed {@code seed} has a MultiSWAG record whose members all kept their SWAG state. */
    boolean hasMultiswag(int seed) {
        List<Integer> members = multiswagMembers(seed);
        return !members.isEmpty() && members.stream().allMatch(this::hasSwag);
    }

    /** The distinct numbers of models M of the MultiSWAG records, ascending. */
    List<Integer> multiswagSizes() {
        return multiswag.values().stream().map(List::size).distinct().sorted().toList();
    }
}
