package org.swa4j.experiments.preset;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.swa4j.data.Normalisation;

/**
 * One reproducible comparison of SGD, EMA, FGE and SWA: a model, a data set, an SGD budget of
 * {@code budgetEpochs} epochs and the reference hyperparameters. Presets are plain JSON files
 * (snake_case keys, see {@code src/main/resources/presets/}) that users copy and edit.
 *
 * <p>Learning-rate schedule of the SGD run (timgaripov/swa {@code train.py}), epoch e 0-based:
 * {@code t = e / budgetEpochs}, lr = lrInit for t <= 0.5, linear to 0.01 lrInit at t = 0.9, flat
 * after. The SWA run has {@code round(max(swa.budgets) * budgetEpochs)} epochs with {@code t = e /
 * swa.start} and final ratio {@code swa.lr / lrInit}; averaging after each epoch e with
 * {@code e + 1 >= swa.start}. With {@code "lr_schedule": "constant"} (the paper's Section 5.4
 * ablation) both runs keep lr = lrInit in every epoch instead (and {@code swa.lr} must equal it).
 * {@link PresetValidator} lists every problem of a preset at once.
 *
 * @param name          short name ({@code quick}, {@code cifar100-vgg16}, ...)
 * @param description   one line for {@code swa presets}
 * @param dataset       a name of {@code org.swa4j.data.Datasets}
 * @param model         a name of {@code org.swa4j.models.Models}
 * @param layers        layer implementation ({@code org.swa4j.models.layers.LayerFactories}); null = default
 * @param trainLimit    use a stratified subset of n training examples (null = all)
 * @param testLimit     use a stratified subset of n test examples (null = all)
 * @param augment       the data set's reference augmentation during training
 * @param normalisation per-channel mean/std: {@code "default"} (the data set's: the ResNet constants for
 *                      CIFAR; also when the key is absent), {@code "resnet"}, {@code "vgg"} (ImageNet
 *                      constants, as the reference's VGG runs), {@code "train_statistics"} or {@code "unit"}
 * @param seeds         number of seeds, 1..seeds
 * @param batchSize     minibatch size
 * @param budgetEpochs  the SGD budget B in epochs
 * @param lrInit        initial learning rate
 * @param lrSchedule    {@code "reference"} (the schedule above; the default when the key is absent) or
 *                      {@code "constant"} (lrInit for every epoch of the SGD and SWA runs)
 * @param momentum      heavy-ball momentum (PyTorch SGD semantics)
 * @param weightDecay   coupled L2 weight decay (added to the gradient, PyTorch {@code weight_decay})
 * @param methods       subset of sgd, ema, fge, swa, swag, multiswag
 * @param ema           EMA options
 * @param fge           FGE options
 * @param swa           SWA options
 * @param swag          SWAG and MultiSWAG options; absent (null, and left out of the JSON) = {@link SwagOptions#DEFAULTS}
 * @param pretrained    path of a saved DL4J model to start from (ImageNet preset), else null
 * @param paper         the paper's rows this preset reproduces, or null
 */
public record Preset(String name, String description, String dataset, String model, String layers,
        Integer trainLimit, Integer testLimit, boolean augment, String normalisation, int seeds, int batchSize, int budgetEpochs,
        double lrInit, String lrSchedule, double momentum, double weightDecay, List<String> methods,
        EmaOptions ema, FgeOptions fge, SwaOptions swa, @JsonInclude(JsonInclude.Include.NON_NULL) SwagOptions swag,
        String pretrained, PaperMatch paper) {

    /** The methods a preset can compare, in report order. */
    public static final List<String> METHODS = List.of("sgd", "ema", "fge", "swa", "swag", "multiswag");

    /** The learning-rate schedules of the SGD and SWA runs. */
    public static final List<String> LR_SCHEDULES = List.of("reference", "constant");

    /**
     * An absent {@code lr_schedule} is the reference schedule and an absent {@code normalisation} the data
     * set's default; other values are checked by {@link PresetValidator}.
     */
    public Preset {
        if (lrSchedule == null) {
            lrSchedule = "reference";
        }
        if (normalisation == null) {
            normalisation = Normalisation.DEFAULT.key();
        }
    }

    /** A preset without a {@code swag} block. */
    public Preset(String name, String description, String dataset, String model, String layers, Integer trainLimit,
            Integer testLimit, boolean augment, String normalisation, int seeds, int batchSize, int budgetEpochs, double lrInit,
            String lrSchedule, double momentum, double weightDecay, List<String> methods, EmaOptions ema, FgeOptions fge,
            SwaOptions swa, String pretrained, PaperMatch paper) {
        this(name, description, dataset, model, layers, trainLimit, testLimit, augment, normalisation, seeds, batchSize, budgetEpochs,
                lrInit, lrSchedule, momentum, weightDecay, methods, ema, fge, swa, null, pretrained, paper);
    }

    /** A preset without a {@code normalisation} (the data set's default) and without a {@code swag} block. */
    public Preset(String name, String description, String dataset, String model, String layers, Integer trainLimit,
            Integer testLimit, boolean augment, int seeds, int batchSize, int budgetEpochs, double lrInit, String lrSchedule,
            double momentum, double weightDecay, List<String> methods, EmaOptions ema, FgeOptions fge, SwaOptions swa,
            String pretrained, PaperMatch paper) {
        this(name, description, dataset, model, layers, trainLimit, testLimit, augment, null, seeds, batchSize, budgetEpochs,
                lrInit, lrSchedule, momentum, weightDecay, methods, ema, fge, swa, pretrained, paper);
    }

    /** The normalisation the data are opened with; rejects an unknown name ({@link PresetValidator} reports it first). */
    public Normalisation normalisationChoice() {
        return Normalisation.parse(normalisation);
    }

    /** Whether the SGD and SWA runs keep lr = lrInit throughout ({@code "lr_schedule": "constant"}). */
    public boolean constantLr() {
        return "constant".equals(lrSchedule);
    }

    /**
     * @param decay per-iteration EMA decay d in {@code ema = d ema + (1 - d) w}, in (0, 1)
     */
    public record EmaOptions(double decay) {
    }

    /**
     * Fast Geometric Ensembling (dnn-mode-connectivity {@code fge.py}): SGD with the reference schedule
     * over F epochs up to epoch round(startFraction F), then triangular cycles to epoch F.
     *
     * @param startFraction fraction of FGE's budget whose SGD checkpoint FGE starts from (0.8)
     * @param cycleEpochs   length of one triangular cycle in epochs (2 in the reference; may be fractional, e.g. 0.5)
     * @param lr1           maximum learning rate of the cycle
     * @param lr2           minimum learning rate, where each snapshot is taken
     * @param budgetEpochs  FGE's budget F in epochs, SGD prefix included; absent = the SGD budget B, and FGE
     *                      starts from the sgd job's own checkpoint. dnn-mode-connectivity trains every model's
     *                      FGE in F = 200 epochs (SGD to 160, then 40 of FGE), PreResNet-164's too, whose SGD
     *                      budget is B = 150; with F != B the fge job trains its own SGD prefix.
     */
    public record FgeOptions(double startFraction, double cycleEpochs, double lr1, double lr2, Integer budgetEpochs) {

        /** FGE within the SGD budget. */
        public FgeOptions(double startFraction, double cycleEpochs, double lr1, double lr2) {
            this(startFraction, cycleEpochs, lr1, lr2, null);
        }
    }

    /**
     * @param start       averaging after every epoch e (0-based) with e + 1 >= start (reference swa_start)
     * @param lr          the constant SWA learning rate reached at 0.9 start
     * @param everyEpochs average every c epochs
     * @param budgets     budgets (multiples of B) at which the average is evaluated; the run lasts the largest
     * @param schedule    "swa" (the reference schedule) or "cyclic" (per-iteration lr1 -> lr2 cycles of
     *                    {@code everyEpochs} epochs from the first epoch, average at each cycle's end, so
     *                    {@code start} must be a multiple of {@code everyEpochs}; ImageNet)
     * @param cyclicLr1   cyclic schedule: lr at the start of each cycle
     * @param cyclicLr2   cyclic schedule: lr at the end of each cycle
     * @param keepSnapshots keep every network averaged into SWA as
     *                    {@code models/swa-seedK-snapshots/epoch-E.zip} (weights and BN statistics, no
     *                    updater state) for {@code swa geometry}'s distances and plane; absent = false
     */
    public record SwaOptions(int start, double lr, int everyEpochs, List<Double> budgets, String schedule,
            Double cyclicLr1, Double cyclicLr2, Boolean keepSnapshots) {

        /** An absent {@code keep_snapshots} is false. */
        public SwaOptions {
            if (keepSnapshots == null) {
                keepSnapshots = false;
            }
        }
    }

    /**
     * SWA-Gaussian along the SWA run (method {@code swag}) and MultiSWAG over seeds (method
     * {@code multiswag}). A key left out takes its default ({@link #DEFAULTS}).
     *
     * @param rank            K, the deviations kept for the low-rank covariance; 0 = SWAG-Diagonal (default 20)
     * @param scale           the sample scale: 1/2 draws from N(mean, Sigma) (default 0.5)
     * @param samples         S, the networks drawn for each Bayesian model average (default 30)
     * @param multiswagModels M, the SWAG models each MultiSWAG result mixes, 2..seeds (default 3)
     * @param budgets         the budgets SWAG and MultiSWAG are evaluated at, each one of {@code swa.budgets};
     *                        null = the largest of them
     */
    public record SwagOptions(Integer rank, Double scale, Integer samples, Integer multiswagModels, List<Double> budgets) {

        /** The defaults: {@code {"rank": 20, "scale": 0.5, "samples": 30, "multiswag_models": 3, "budgets": null}}. */
        public static final SwagOptions DEFAULTS = new SwagOptions(null, null, null, null, null);

        /** Keys left out take their defaults. */
        public SwagOptions {
            rank = rank == null ? 20 : rank;
            scale = scale == null ? 0.5 : scale;
            samples = samples == null ? 30 : samples;
            multiswagModels = multiswagModels == null ? 3 : multiswagModels;
            budgets = budgets == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(budgets));
        }
    }

    /**
     * The paper's rows ({@code paper/table1.csv}, {@code paper/fge_cifar100.csv}) that match this
     * preset, by their {@code dataset} and {@code model} columns.
     */
    public record PaperMatch(String dataset, String model) {
    }

    /** The SWAG options: the {@code swag} block, or the defaults when it is absent. */
    public SwagOptions swagOptions() {
        return swag == null ? SwagOptions.DEFAULTS : swag;
    }

    /** The budgets SWAG and MultiSWAG are evaluated at, ascending: {@code swag.budgets}, or the largest of {@code swa.budgets}. */
    public List<Double> swagBudgets() {
        return swagBudgets(swagOptions());
    }

    /** The budgets of SWAG settings {@code g} for this preset, ascending: {@code g.budgets()}, or the largest of {@code swa.budgets}. */
    public List<Double> swagBudgets(SwagOptions g) {
        List<Double> given = g.budgets();
        if (given != null) {
            return given.stream().sorted().toList();
        }
        return List.of(swa.budgets().stream().mapToDouble(Double::doubleValue).max().orElse(1.0));
    }

    /** Number of epochs of the SWA run: round(max budget * B). */
    public int swaEpochs() {
        return epochsAt(swa.budgets().stream().mapToDouble(Double::doubleValue).max().orElse(1.0));
    }

    /** Epochs of a budget: round(budget * B). */
    public int epochsAt(double budget) {
        return (int) Math.round(budget * budgetEpochs);
    }

    /** FGE's budget F in epochs, its SGD prefix included: {@code fge.budget_epochs}, else B. */
    public int fgeBudgetEpochs() {
        return fge.budgetEpochs() == null ? budgetEpochs : fge.budgetEpochs();
    }

    /** Whether FGE starts from the sgd job's own run (F = B) rather than an SGD run of its own. */
    public boolean fgeSharesSgdRun() {
        return fgeBudgetEpochs() == budgetEpochs;
    }

    /** The epoch count (1-based) after which FGE starts from its SGD run: round(startFraction * F). */
    public int fgeStartEpoch() {
        return (int) Math.round(fge.startFraction() * fgeBudgetEpochs());
    }

    /**
     * The preset as the fge job runs it: SGD budget F ({@link #fgeBudgetEpochs}), so that its SGD
     * prefix has the reference schedule over F epochs, as dnn-mode-connectivity's {@code train.py
     * --epochs=F} whose checkpoint {@code fge.py} starts from. The same preset when F = B.
     */
    public Preset fgeRun() {
        if (fgeSharesSgdRun()) {
            return this;
        }
        FgeOptions f = new FgeOptions(fge.startFraction(), fge.cycleEpochs(), fge.lr1(), fge.lr2(), null);
        return new Preset(name, description, dataset, model, layers, trainLimit, testLimit, augment, normalisation, seeds, batchSize,
                fgeBudgetEpochs(), lrInit, lrSchedule, momentum, weightDecay, methods, ema, f, swa, swag, pretrained, paper);
    }

    /** A copy with another number of seeds. */
    public Preset withSeeds(int n) {
        return new Preset(name, description, dataset, model, layers, trainLimit, testLimit, augment, normalisation, n, batchSize,
                budgetEpochs, lrInit, lrSchedule, momentum, weightDecay, methods, ema, fge, swa, swag, pretrained, paper);
    }

    /** A copy with another layer implementation. */
    public Preset withLayers(String l) {
        return new Preset(name, description, dataset, model, l, trainLimit, testLimit, augment, normalisation, seeds, batchSize,
                budgetEpochs, lrInit, lrSchedule, momentum, weightDecay, methods, ema, fge, swa, swag, pretrained, paper);
    }

    /**
     * A copy with SGD budget {@code b}; the SWA start, the FGE start and FGE's own budget scale with it
     * (start' = round(start * b / B), at least 1; F' = round(F * b / B), at least 1).
     */
    public Preset withBudget(int b) {
        SwaOptions s = swa == null ? null : new SwaOptions(Math.max(1, (int) Math.round((double) swa.start() * b / budgetEpochs)),
                swa.lr(), swa.everyEpochs(), swa.budgets(), swa.schedule(), swa.cyclicLr1(), swa.cyclicLr2(), swa.keepSnapshots());
        FgeOptions f = fge == null || fge.budgetEpochs() == null ? fge : new FgeOptions(fge.startFraction(), fge.cycleEpochs(),
                fge.lr1(), fge.lr2(), Math.max(1, (int) Math.round((double) fge.budgetEpochs() * b / budgetEpochs)));
        return new Preset(name, description, dataset, model, layers, trainLimit, testLimit, augment, normalisation, seeds, batchSize,
                b, lrInit, lrSchedule, momentum, weightDecay, methods, ema, f, s, swag, pretrained, paper);
    }
}
