package org.swa4j.experiments.preset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Checks a preset before anything is trained and lists every problem at once ({@link PresetProblems}).
 *
 * <p>Rules: seeds, batch size and budget positive; lr_init positive, lr_schedule "reference" or
 * "constant" (constant: swa.lr equal to lr_init and the "swa" SWA schedule), momentum in [0, 1), weight decay
 * non-negative; methods a non-empty subset of sgd, ema, fge, swa without repeats; EMA decay in (0, 1);
 * FGE budget (absent, or positive), start fraction in (0, 1), at least one whole cycle after the start and a whole number of cycles,
 * 0 < lr_2 <= lr_1 (a cycle may be a fraction of an epoch); SWA start in [1, SWA epochs] (not past the end), every budget positive with at
 * least one averaging epoch before it, schedule "swa" or "cyclic" (cyclic needs both cyclic rates, and a start
 * that is a multiple of every_epochs, so that every average is taken at a cycle's end); swag only with swa and
 * multiswag only with swag, the "swag" block's rank 0 or >= 2, scale finite and >= 0, samples >= 1,
 * multiswag_models in [2, seeds] (with multiswag), budgets null or distinct members of swa.budgets;
 * train/test limits positive; normalisation one of {@code org.swa4j.data.Normalisation}'s names. Then the {@link Environment}: the model name, the data set name and
 * whether its files are present, and the pretrained file.
 */
public final class PresetValidator {

    /** What only the installed models and data can answer; returns a problem or null. */
    public interface Environment {
        /** Null if the model can be built for the preset's data, else why not. */
        String modelProblem(Preset preset);

        /** Null if the data set exists and its files are present, else what is missing and where to put it. */
        String dataProblem(Preset preset);
    }

    private PresetValidator() {
    }

    /** Throws {@link PresetProblems} listing every problem of {@code p}; returns {@code p} if there is none. */
    public static Preset validate(Preset p, Environment env) {
        List<String> problems = staticProblems(p);
        if (env != null && p.dataset() != null && p.model() != null) {
            String data = env.dataProblem(p);
            if (data != null) {
                problems.add(data);
            } else {
                String model = env.modelProblem(p);
                if (model != null) {
                    problems.add(model);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PresetProblems(p.name() == null ? "?" : p.name(), problems);
        }
        return p;
    }

    /** The problems that need no data or model to find. */
    public static List<String> staticProblems(Preset p) {
        List<String> out = new ArrayList<>();
        if (p.name() == null || p.name().isBlank()) {
            out.add("name is missing");
        }
        if (p.dataset() == null) {
            out.add("dataset is missing");
        }
        if (p.model() == null) {
            out.add("model is missing");
        }
        if (p.seeds() < 1) {
            out.add("seeds = " + p.seeds() + "; must be >= 1");
        }
        if (p.batchSize() < 1) {
            out.add("batch_size = " + p.batchSize() + "; must be >= 1");
        }
        if (p.budgetEpochs() < 1) {
            out.add("budget_epochs = " + p.budgetEpochs() + "; the SGD budget must be a positive number of epochs");
        }
        if (!(p.lrInit() > 0)) {
            out.add("lr_init = " + p.lrInit() + "; must be > 0");
        }
        if (!Preset.LR_SCHEDULES.contains(p.lrSchedule())) {
            out.add("lr_schedule = '" + p.lrSchedule() + "'; must be one of " + Preset.LR_SCHEDULES);
        }
        if (!(p.momentum() >= 0 && p.momentum() < 1)) {
            out.add("momentum = " + p.momentum() + "; must be in [0, 1)");
        }
        if (!(p.weightDecay() >= 0)) {
            out.add("weight_decay = " + p.weightDecay() + "; must be >= 0");
        }
        if (p.trainLimit() != null && p.trainLimit() < 1) {
            out.add("train_limit = " + p.trainLimit() + "; must be >= 1 or absent");
        }
        if (p.testLimit() != null && p.testLimit() < 1) {
            out.add("test_limit = " + p.testLimit() + "; must be >= 1 or absent");
        }
        try {
            p.normalisationChoice();
        } catch (IllegalArgumentException e) {
            out.add("normalisation: " + e.getMessage());
        }
        List<String> methods = p.methods() == null ? List.of() : p.methods();
        if (methods.isEmpty()) {
            out.add("methods is empty; choose from " + Preset.METHODS);
        }
        Set<String> seen = new HashSet<>();
        for (String m : methods) {
            if (!Preset.METHODS.contains(m)) {
                out.add("unknown method '" + m + "'; known: " + Preset.METHODS);
            } else if (!seen.add(m)) {
                out.add("method '" + m + "' is listed twice");
            }
        }
        if (methods.contains("ema")) {
            if (p.ema() == null) {
                out.add("method ema needs an \"ema\" section with \"decay\"");
            } else if (!(p.ema().decay() > 0 && p.ema().decay() < 1)) {
                out.add("ema.decay = " + p.ema().decay() + "; must be in (0, 1)");
            }
        }
        if (methods.contains("fge")) {
            fgeProblems(p, out);
        }
        if (methods.contains("swa")) {
            swaProblems(p, out);
        }
        if (methods.contains("swag") && !methods.contains("swa")) {
            out.add("method swag collects the weights SWA averages, along the SWA run: list swa too");
        }
        if (methods.contains("multiswag") && !methods.contains("swag")) {
            out.add("method multiswag mixes the swag results of several seeds: list swag too");
        }
        if (methods.contains("swag") || methods.contains("multiswag")) {
            out.addAll(swagProblems(p, p.swagOptions(), methods.contains("multiswag"), field -> "swag." + field));
        }
        return out;
    }

    /**
     * The problems of SWAG settings {@code g} for preset {@code p} (whose {@code swa} section it reads),
     * each naming the setting by {@code name} of its JSON key ({@code rank}, {@code scale}, {@code samples},
     * {@code multiswag_models}, {@code budgets}): the preset's {@code "swag.rank"}, or a command's option.
     * {@code multiswag}: whether MultiSWAG is wanted (only then is {@code multiswag_models} checked).
     */
    public static List<String> swagProblems(Preset p, Preset.SwagOptions g, boolean multiswag, UnaryOperator<String> name) {
        List<String> out = new ArrayList<>();
        if (g.rank() < 0 || g.rank() == 1) {
            out.add(name.apply("rank") + " = " + g.rank() + "; must be 0 (SWAG-Diagonal) or >= 2");
        }
        if (!(g.scale() >= 0 && g.scale() < Double.POSITIVE_INFINITY)) {
            out.add(name.apply("scale") + " = " + g.scale() + "; must be finite and >= 0");
        }
        if (g.samples() < 1) {
            out.add(name.apply("samples") + " = " + g.samples() + "; must be >= 1");
        }
        if (multiswag && (g.multiswagModels() < 2 || g.multiswagModels() > p.seeds())) {
            out.add(name.apply("multiswag_models") + " = " + g.multiswagModels() + "; must be in [2, seeds = " + p.seeds() + "]");
        }
        List<Double> budgets = g.budgets();
        if (budgets == null) {
            return out;
        }
        if (budgets.isEmpty()) {
            out.add(name.apply("budgets") + " is empty; list some of swa.budgets, or null for the largest of them");
            return out;
        }
        List<Double> swa = p.swa() == null || p.swa().budgets() == null ? List.of() : p.swa().budgets();
        Set<Double> seen = new HashSet<>();
        for (Double b : budgets) {
            if (b == null || !swa.contains(b)) {
                out.add(name.apply("budgets") + " contains " + b + "; each must be one of swa.budgets " + swa);
            } else if (!seen.add(b)) {
                out.add(name.apply("budgets") + " lists " + b + " twice");
            }
        }
        return out;
    }

    private static void fgeProblems(Preset p, List<String> out) {
        Preset.FgeOptions f = p.fge();
        if (f == null) {
            out.add("method fge needs an \"fge\" section");
            return;
        }
        if (!(f.startFraction() > 0 && f.startFraction() < 1)) {
            out.add("fge.start_fraction = " + f.startFraction() + "; must be in (0, 1)");
        }
        if (!(f.cycleEpochs() > 0)) {
            out.add("fge.cycle_epochs = " + f.cycleEpochs() + "; must be > 0");
        }
        if (!(f.lr1() > 0) || !(f.lr2() > 0) || f.lr2() > f.lr1()) {
            out.add("fge.lr1 = " + f.lr1() + ", fge.lr2 = " + f.lr2() + "; need 0 < lr2 <= lr1");
        }
        if (f.budgetEpochs() != null && f.budgetEpochs() < 1) {
            out.add("fge.budget_epochs = " + f.budgetEpochs() + "; FGE's budget must be a positive number of epochs (or absent: B)");
            return;
        }
        if (p.budgetEpochs() >= 1 && f.cycleEpochs() > 0 && f.startFraction() > 0 && f.startFraction() < 1) {
            int budget = p.fgeBudgetEpochs();
            int start = p.fgeStartEpoch();
            int remaining = budget - start;
            if (start < 1) {
                out.add("fge starts at epoch " + start + " (round(" + f.startFraction() + " * " + budget + ")); must be >= 1");
            }
            double cycles = remaining / f.cycleEpochs();
            if (cycles < 1 - 1e-9 || Math.abs(cycles - Math.rint(cycles)) > 1e-9) {
                out.add("fge has " + remaining + " epochs after its start (epoch " + start + " of " + budget
                        + "); must be a positive whole number of cycles of " + f.cycleEpochs() + " epochs");
            }
        }
    }

    private static void swaProblems(Preset p, List<String> out) {
        Preset.SwaOptions s = p.swa();
        if (s == null) {
            out.add("method swa needs a \"swa\" section");
            return;
        }
        if (s.budgets() == null || s.budgets().isEmpty()) {
            out.add("swa.budgets is empty; e.g. [1, 1.25, 1.5]");
            return;
        }
        for (Double b : s.budgets()) {
            if (b == null || !(b > 0)) {
                out.add("swa.budgets contains " + b + "; every budget must be > 0");
                return;
            }
        }
        if (s.everyEpochs() < 1) {
            out.add("swa.every_epochs = " + s.everyEpochs() + "; must be >= 1");
        }
        String schedule = s.schedule() == null ? "swa" : s.schedule();
        if (!schedule.equals("swa") && !schedule.equals("cyclic")) {
            out.add("swa.schedule = '" + schedule + "'; must be \"swa\" or \"cyclic\"");
        }
        if (schedule.equals("swa") && !(s.lr() > 0)) {
            out.add("swa.lr = " + s.lr() + "; must be > 0");
        }
        if (p.constantLr() && s.lr() != p.lrInit()) {
            out.add("swa.lr = " + s.lr() + " but lr_schedule is constant at lr_init = " + p.lrInit()
                    + "; set swa.lr to lr_init");
        }
        if (p.constantLr() && !schedule.equals("swa")) {
            out.add("lr_schedule constant needs swa.schedule \"swa\", not '" + schedule + "'");
        }
        if (schedule.equals("cyclic") && (s.cyclicLr1() == null || s.cyclicLr2() == null || !(s.cyclicLr1() > 0)
                || !(s.cyclicLr2() > 0))) {
            out.add("swa.schedule cyclic needs cyclic_lr1 > 0 and cyclic_lr2 > 0");
        }
        int c = s.everyEpochs();
        if (schedule.equals("cyclic") && c > 1 && s.start() >= 1 && s.start() % c != 0) {
            int before = s.start() / c * c;
            out.add("swa.start = " + s.start() + " with swa.schedule \"cyclic\" and swa.every_epochs = " + c + ": the cycles of "
                    + c + " epochs are counted from the run's first iteration and end after epochs " + c + ", " + 2 * c + ", "
                    + 3 * c + ", ..., so averaging after epochs " + s.start() + ", " + (s.start() + c) + ", ... would take weights"
                    + " in mid-cycle; make swa.start a multiple of " + c + " (" + (before > 0 ? before + " or " : "") + (before + c) + ")");
        }
        if (p.budgetEpochs() < 1) {
            return;
        }
        int epochs = p.swaEpochs();
        if (s.start() < 1 || s.start() > epochs) {
            out.add("swa.start = " + s.start() + " is past the end of the SWA run (" + epochs + " epochs = "
                    + "max budget * budget_epochs) or below 1; must be in [1, " + epochs + "]");
        }
        for (Double b : s.budgets()) {
            if (p.epochsAt(b) < s.start()) {
                out.add("swa budget " + b + " ends at epoch " + p.epochsAt(b) + ", before swa.start = " + s.start()
                        + ": nothing would be averaged");
            }
        }
    }
}
