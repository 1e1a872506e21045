package org.swa4j.experiments.runner;

import java.nio.file.Files;
import java.nio.file.Path;

import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.PresetValidator;
import org.swa4j.experiments.train.Networks;

/**
 * The installed data sets and models, as the validator sees them: the data set is opened (which
 * finds, downloads if allowed, and checks its files) and kept for the run; the model is built for
 * the data's shape. Each failure becomes one problem line.
 */
final class Environment implements PresetValidator.Environment {

    private final RunOptions options;
    private ImageDataset dataset;

    Environment(RunOptions options) {
        this.options = options;
    }

    ImageDataset dataset() {
        return dataset;
    }

    static DataOptions dataOptions(RunOptions o) {
        Preset p = o.preset();
        return DataOptions.builder().dataDir(o.dataDir() == null ? null : Path.of(o.dataDir())).allowDownload(o.allowDownload())
                .trainLimit(p.trainLimit() == null ? 0 : p.trainLimit()).testLimit(p.testLimit() == null ? 0 : p.testLimit())
                .normalisation(p.normalisationChoice()).workers(1).build();
    }

    @Override
    public String dataProblem(Preset p) {
        try {
            dataset = Datasets.open(p.dataset(), dataOptions(options));
            return null;
        } catch (RuntimeException e) {
            return "data set '" + p.dataset() + "': " + e.getMessage();
        }
    }

    @Override
    public String modelProblem(Preset p) {
        if (p.pretrained() != null) {
            Path file = Path.of(p.pretrained());
            return Files.isRegularFile(file) ? null : "pretrained model file " + file.toAbsolutePath() + " does not exist "
                    + "(the ImageNet preset starts from a saved DL4J ComputationGraph; set \"pretrained\" in a copy of the preset)";
        }
        try {
            Networks.check(p, dataset);
            return null;
        } catch (IllegalArgumentException e) {
            return "model '" + p.model() + "': " + e.getMessage();
        }
    }
}
