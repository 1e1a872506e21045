package org.swa4j.experiments.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.swa4j.core.AveragingListener;
import org.swa4j.core.schedule.CyclicSchedule;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.data.DatasetSpec;
import org.swa4j.data.Datasets;
import org.swa4j.experiments.preset.Preset;

/**
 * What a preset will do, computed without data or training, from the same schedule objects the jobs
 * train with ({@link Schedules}: the rates, SWA's averaging trigger, FGE's schedule and snapshot points): the learning rate of every epoch (every iteration for FGE and cyclic SWA,
 * summarised by its cycle), the epochs after which SWA averages, FGE's cycle and snapshot points, every
 * evaluation, and the work per seed, so that a GPU user can check a run before paying for it
 * ({@code swa run --preset NAME --dry-run}).
 *
 * @param preset             the preset as it would run
 * @param data               the data set's published sizes
 * @param trainSize          training examples used (after any limit)
 * @param testSize           test examples used
 * @param iterationsPerEpoch ceil(trainSize / batch size), as the runner counts them
 */
public record RunPlan(Preset preset, DatasetSpec data, int trainSize, int testSize, long iterationsPerEpoch) {

    /** The plan of {@code p} on its data set's published sizes. */
    public static RunPlan of(Preset p) {
        DatasetSpec d = Datasets.spec(p.dataset());
        int train = d.trainSize(p.trainLimit());
        return new RunPlan(p, d, train, d.testSize(p.testLimit()), (train + p.batchSize() - 1) / p.batchSize());
    }

    private boolean has(String method) {
        return preset.methods().contains(method);
    }

    /** SGD's rate in epochs 1..B. */
    public List<Double> sgdRates() {
        Schedules.Rate rate = Schedules.sgdRate(preset);
        List<Double> out = new ArrayList<>();
        for (int e = 0; e < preset.budgetEpochs(); e++) {
            out.add(rate.at(0, e));
        }
        return out;
    }

    /** The SWA run's rate in epochs 1..swaEpochs (reference or constant schedule; empty for the cyclic one). */
    public List<Double> swaRates() {
        List<Double> out = new ArrayList<>();
        if (!cyclicSwa()) {
            Schedules.Rate rate = Schedules.swaRate(preset, iterationsPerEpoch);
            for (int e = 0; e < preset.swaEpochs(); e++) {
                out.add(rate.at(0, e));
            }
        }
        return out;
    }

    public boolean cyclicSwa() {
        return Schedules.cyclicSwa(preset);
    }

    /** The epochs (1-based) after which the SWA run averages. */
    public List<Integer> averagingEpochs() {
        AveragingListener.Trigger averaging = Schedules.swaAveraging(preset);
        List<Integer> out = new ArrayList<>();
        for (int e = 0; e < preset.swaEpochs(); e++) {
            if (averaging.afterEpoch(e)) {
                out.add(e + 1);
            }
        }
        return out;
    }

    /** Budget → the epoch whose evaluation is that budget's SWA result. */
    public Map<Double, Integer> swaBudgetEpochs() {
        Map<Double, Integer> out = new LinkedHashMap<>();
        for (Double b : preset.swa().budgets()) {
            out.put(b, preset.epochsAt(b));
        }
        return out;
    }

    /** FGE's schedule, iterations counted from its start, as the fge job trains with it. */
    public FgeSchedule fgeSchedule() {
        return Schedules.fgeSchedule(preset.fgeRun(), iterationsPerEpoch);
    }

    /** FGE's cycle in iterations: round(cycle_epochs × iterations per epoch), at least 2. */
    public long fgeCycle() {
        return fgeSchedule().getCycleIterations();
    }

    /** FGE's snapshot points as epochs with fractions (after iteration i of FGE: start + (i + 1) / iterations per epoch). */
    public List<Double> fgeSnapshotPoints() {
        List<Double> out = new ArrayList<>();
        long total = (long) (preset.fgeBudgetEpochs() - preset.fgeStartEpoch()) * iterationsPerEpoch;
        FgeSchedule schedule = fgeSchedule();
        for (long i = 0; i < total; i++) {
            if (schedule.isSnapshotIteration(Math.toIntExact(i))) {
                out.add(preset.fgeStartEpoch() + (i + 1.0) / iterationsPerEpoch);
            }
        }
        return out;
    }

    /** Training epochs per seed over all jobs. */
    public long trainingEpochs() {
        long e = 0;
        if (has("sgd") || has("ema")) {
            e += preset.budgetEpochs();
        }
        if (has("fge")) {
            // with a budget of its own, FGE trains its own SGD run to its start
            e += preset.fgeSharesSgdRun() ? preset.fgeBudgetEpochs() - preset.fgeStartEpoch() : preset.fgeBudgetEpochs();
        }
        if (has("swa")) {
            e += preset.swaEpochs();
        }
        return e;
    }

    /** SWAG's model averages per seed: S samples at each SWAG budget, each one BatchNorm pass and one test pass. */
    public long swagSamples() {
        return has("swag") ? (long) preset.swagOptions().samples() * preset.swagBudgets().size() : 0;
    }

    /** Passes over the training data in training mode that only recompute BatchNorm statistics (EMA, SWA and SWAG evaluations). */
    public long batchNormPasses() {
        long n = swagSamples();
        if (has("ema")) {
            n += preset.budgetEpochs();
        }
        if (has("swa") && !averagingEpochs().isEmpty()) {
            n += preset.swaEpochs() - averagingEpochs().get(0) + 1;
        }
        return n;
    }

    /** Passes over the test set (every evaluation, one per FGE snapshot and one per SWAG sample). */
    public long testPasses() {
        long n = swagSamples();
        if (has("sgd") || has("ema")) {
            n += (long) preset.budgetEpochs() * ((has("sgd") ? 1 : 0) + (has("ema") ? 1 : 0));
        }
        if (has("fge")) {
            n += fgeSnapshotPoints().size();
        }
        if (has("swa") && !averagingEpochs().isEmpty()) {
            n += preset.swaEpochs() - averagingEpochs().get(0) + 1;
        }
        return n;
    }

    /**
     * Seconds per seed at {@code trainRate} training images/s and {@code inferenceRate} images/s for
     * forward passes (BN recomputation and evaluation).
     */
    public double secondsPerSeed(double trainRate, double inferenceRate) {
        return trainingEpochs() * (double) trainSize / trainRate
                + (batchNormPasses() * (double) trainSize + testPasses() * (double) testSize) / inferenceRate;
    }

    /** The whole plan as text; {@code rates} gives the images/s the estimate uses, and where they come from. */
    public String describe(double trainRate, double inferenceRate, String rateSource) {
        Preset p = preset;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "preset %s: %s (%,d training / %,d test images%s), model %s, batch %d: %,d iterations "
                + "per epoch; seeds 1..%d; methods %s%n", p.name(), p.dataset(), trainSize, testSize,
                trainSize < data.trainSize() || testSize < data.testSize() ? ", a stratified subset" : "", p.model(), p.batchSize(),
                iterationsPerEpoch, p.seeds(), p.methods()));
        sb.append(String.format(Locale.ROOT, "SGD budget B = %d epochs, lr_init %s, momentum %s, weight decay %s, schedule %s%n",
                p.budgetEpochs(), num(p.lrInit()), num(p.momentum()), num(p.weightDecay()), p.lrSchedule()));
        if (has("sgd") || has("ema")) {
            sb.append("\nSGD run (job sgd): learning rate per epoch, evaluated on the test set after every epoch\n");
            sb.append(runs(sgdRates()));
            if (has("ema")) {
                sb.append(String.format(Locale.ROOT, "EMA along it: ema = %s ema + %s w after every iteration; BatchNorm recomputed "
                        + "and evaluated after every epoch; result after epoch %d%n", num(p.ema().decay()), num(1 - p.ema().decay()),
                        p.budgetEpochs()));
            }
        }
        if (has("fge")) {
            String from = p.fgeSharesSgdRun() ? "the SGD checkpoint after epoch " + p.fgeStartEpoch()
                    : String.format(Locale.ROOT, "its own SGD run (the reference schedule over FGE's budget of %d epochs) after epoch %d",
                            p.fgeBudgetEpochs(), p.fgeStartEpoch());
            FgeSchedule fge = fgeSchedule();
            sb.append(String.format(Locale.ROOT, "%nFGE (job fge): from %s, epochs %d-%d; triangular "
                    + "rate per iteration %s -> %s -> %s, cycle %d iterations (%s epochs)%n", from, p.fgeStartEpoch() + 1,
                    p.fgeBudgetEpochs(), num(fge.getLr1()), num(fge.getLr2()), num(fge.getLr1()), fge.getCycleIterations(),
                    num((double) fge.getCycleIterations() / iterationsPerEpoch)));
            List<Double> snaps = fgeSnapshotPoints();
            sb.append(String.format(Locale.ROOT, "  %d snapshots, at the lowest rate, after epoch %s; the ensemble is evaluated after "
                    + "every epoch once it has one; result after epoch %d (budget %s)%n", snaps.size(), joined(snaps), p.fgeBudgetEpochs(),
                    num((double) p.fgeBudgetEpochs() / p.budgetEpochs())));
        }
        if (has("swa")) {
            sb.append(String.format(Locale.ROOT, "%nSWA run (job swa): %d epochs (%s x B)%n", p.swaEpochs(),
                    num((double) p.swaEpochs() / p.budgetEpochs())));
            if (cyclicSwa()) {
                CyclicSchedule cyclic = (CyclicSchedule) Schedules.swaRate(p, iterationsPerEpoch).schedule();
                sb.append(String.format(Locale.ROOT, "  cyclic rate per iteration %s -> %s, cycle %d epochs (%d iterations)%n",
                        num(cyclic.getA1()), num(cyclic.getA2()), p.swa().everyEpochs(), cyclic.getCycle()));
            } else {
                sb.append(runs(swaRates()));
            }
            List<Integer> avg = averagingEpochs();
            sb.append(String.format(Locale.ROOT, "  averaged after epochs %s (%d models); BatchNorm recomputed on one training pass and "
                    + "the average evaluated after every epoch from %s%n", ranges(avg), avg.size(),
                    avg.isEmpty() ? "-" : avg.get(0).toString()));
            swaBudgetEpochs().forEach((b, e) -> sb.append(String.format(Locale.ROOT, "  budget %s: the evaluation after epoch %d%n",
                    num(b), e)));
        }
        if (has("swag")) {
            Preset.SwagOptions g = p.swagOptions();
            sb.append(String.format(Locale.ROOT, "SWAG along it: collected where SWA averages, rank %d; at budgets %s the model average of "
                    + "%d draws at scale %s, each with one BatchNorm pass and one test pass (%d of each per seed)%n", g.rank(),
                    p.swagBudgets(), g.samples(), num(g.scale()), swagSamples()));
            if (has("multiswag")) {
                sb.append(String.format(Locale.ROOT, "MultiSWAG: the mean of the SWAG model averages of seeds k..k+%d (cyclic), once "
                        + "every seed has run%n", g.multiswagModels() - 1));
            }
        }
        double seconds = secondsPerSeed(trainRate, inferenceRate);
        sb.append(String.format(Locale.ROOT, "%nwork per seed: %d training epochs (%,d images), %d BatchNorm passes, %d test passes%n",
                trainingEpochs(), trainingEpochs() * trainSize, batchNormPasses(), testPasses()));
        sb.append(String.format(Locale.ROOT, "estimated time at %s training and %s forward images/s (%s): %s per seed, %s for %d "
                + "seeds%n", num(trainRate), num(inferenceRate), rateSource, duration(seconds), duration(seconds * p.seeds()), p.seeds()));
        return sb.toString();
    }

    /** Per-epoch rates with runs of equal rates joined: "  epochs 1-75: 0.1". */
    static String runs(List<Double> rates) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < rates.size()) {
            int j = i;
            while (j + 1 < rates.size() && rates.get(j + 1).equals(rates.get(i))) {
                j++;
            }
            sb.append(i == j ? String.format(Locale.ROOT, "  epoch %d: %s%n", i + 1, num(rates.get(i)))
                    : String.format(Locale.ROOT, "  epochs %d-%d: %s%n", i + 1, j + 1, num(rates.get(i))));
            i = j + 1;
        }
        return sb.toString();
    }

    /** "126-225", "5-40 every 5", or the epochs listed when they are not evenly spaced. */
    static String ranges(List<Integer> epochs) {
        if (epochs.isEmpty()) {
            return "none";
        }
        if (epochs.size() == 1) {
            return epochs.get(0).toString();
        }
        int step = epochs.get(1) - epochs.get(0);
        for (int k = 2; k < epochs.size(); k++) {
            if (epochs.get(k) - epochs.get(k - 1) != step) {
                return epochs.toString();
            }
        }
        return epochs.get(0) + "-" + epochs.get(epochs.size() - 1) + (step == 1 ? "" : " every " + step);
    }

    private static String joined(List<Double> points) {
        List<String> s = new ArrayList<>();
        for (double d : points) {
            s.add(num(d));
        }
        return s.size() <= 12 ? String.join(", ", s) : String.join(", ", s.subList(0, 6)) + ", ..., "
                + String.join(", ", s.subList(s.size() - 3, s.size()));
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 86_400 ? String.format(Locale.ROOT, "%dd %02dh %02dm", s / 86_400, s / 3600 % 24, s / 60 % 60)
                : String.format(Locale.ROOT, "%dh %02dm %02ds", s / 3600, s / 60 % 60, s % 60);
    }
}
