package org.swa4j.experiments.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.swa4j.experiments.results.SummaryRow;

/**
 * The sentence or two a report opens with: the best method against SGD with both numbers, the
 * difference, the number of seeds and the p-values by name, then which methods differ from SGD at
 * p &lt; 0.05 and which do not. Every method is compared with SGD at one budget, as the paper compares
 * SWA at 1.25 and 1.5 budgets with SGD at its budget B. The paired t-test by seed is used where it
 * is defined (runs of one seed share their initialisation and data order), else Welch's. MultiSWAG, which
 * mixes several runs, is not ranked with the single-run methods: it gets a sentence of its own.
 */
public final class Finding {

    /** The significance level the sentence uses. */
    public static final double ALPHA = 0.05;

    private Finding() {
    }

    /** The finding of a summary, in Markdown (no line breaks). */
    public static String of(List<SummaryRow> summary) {
        Optional<SummaryRow> sgd = summary.stream().filter(r -> r.method().equals("sgd") && r.budget() == 1.0).findFirst();
        List<SummaryRow> others = summary.stream().filter(r -> !r.method().equals("sgd") && !combinesRuns(r) && r.n() > 0).toList();
        Optional<SummaryRow> combined = summary.stream().filter(r -> combinesRuns(r) && r.n() > 0)
                .max(Comparator.comparingDouble(SummaryRow::accMean));
        if (sgd.isEmpty() || sgd.get().n() == 0) {
            return others.stream().max(Comparator.comparingDouble(SummaryRow::accMean))
                    .map(r -> String.format(Locale.ROOT, "Without an SGD run to compare with: %s reached %.2f%% test accuracy (%d seeds).",
                            label(r), r.accMean(), r.n()))
                    .orElse("No method finished a run.");
        }
        SummaryRow s = sgd.get();
        if (others.isEmpty()) {
            return String.format(Locale.ROOT, "SGD reached %.2f%% test accuracy (%d seeds); no other method was run.", s.accMean(), s.n());
        }
        SummaryRow best = others.stream().max(Comparator.comparingDouble(SummaryRow::accMean)).orElseThrow();
        StringBuilder sb = new StringBuilder(best.accMean() >= s.accMean()
                ? String.format(Locale.ROOT, "%s reached %.2f%% test accuracy against SGD's %.2f%% (%+.2f points, %d seeds; %s).",
                        capitalised(label(best)), best.accMean(), s.accMean(), best.accMean() - s.accMean(),
                        Math.min(best.n(), s.n()), pValues(best))
                : String.format(Locale.ROOT, "SGD reached %.2f%% test accuracy, above every other method; the closest, %s, reached "
                        + "%.2f%% (%+.2f points, %d seeds; %s).", s.accMean(), label(best), best.accMean(), best.accMean() - s.accMean(),
                        Math.min(best.n(), s.n()), pValues(best)));
        List<String> above = new ArrayList<>();
        List<String> below = new ArrayList<>();
        List<String> same = new ArrayList<>();
        for (SummaryRow r : others) {
            double p = p(r);
            String item = String.format(Locale.ROOT, "%s (%+.2f)", label(r), r.accMean() - s.accMean());
            if (Double.isFinite(p) && p < ALPHA) {
                (r.accMean() > s.accMean() ? above : below).add(item);
            } else {
                same.add(item);
            }
        }
        sb.append(" Against SGD at one budget, at p < 0.05: ");
        List<String> parts = new ArrayList<>();
        parts.add(above.isEmpty() ? "no method is significantly better" : "significantly better: " + String.join(", ", above));
        if (!below.isEmpty()) {
            parts.add("significantly worse: " + String.join(", ", below));
        }
        if (!same.isEmpty()) {
            parts.add("no significant difference: " + String.join(", ", same));
        }
        sb.append(String.join("; ", parts)).append('.');
        combined.ifPresent(m -> sb.append(String.format(Locale.ROOT, " %s, which mixes the SWAG models of several seeds' runs "
                + "(so several runs' training), reached %.2f%% (%+.2f points; %s).", capitalised(label(m)), m.accMean(),
                m.accMean() - s.accMean(), Double.isFinite(p(m)) ? pValues(m) : "no p-value: its seeds share runs")));
        return sb.toString();
    }

    /** Whether the row's method mixes the models of several runs (MultiSWAG): it is not one run's result. */
    static boolean combinesRuns(SummaryRow r) {
        return r.method().equals("multiswag");
    }

    /** The p-value the finding uses: paired against SGD at budget 1 where defined, else Welch's. */
    static double p(SummaryRow r) {
        return Double.isFinite(r.pPairedVsSgdBudget1()) ? r.pPairedVsSgdBudget1() : r.pVsSgdBudget1();
    }

    private static String pValues(SummaryRow r) {
        List<String> p = new ArrayList<>();
        if (Double.isFinite(r.pPairedVsSgdBudget1())) {
            p.add(String.format(Locale.ROOT, "paired t-test p = %s", format(r.pPairedVsSgdBudget1())));
        }
        if (Double.isFinite(r.pVsSgdBudget1())) {
            p.add(String.format(Locale.ROOT, "Welch p = %s", format(r.pVsSgdBudget1())));
        }
        return p.isEmpty() ? "no p-value: fewer than two seeds" : String.join(", ", p);
    }

    private static String format(double p) {
        return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
    }

    static String label(SummaryRow r) {
        String name = switch (r.method()) {
            case "swa" -> "SWA";
            case "ema" -> "EMA";
            case "fge" -> "FGE";
            default -> r.method().toUpperCase(Locale.ROOT);
        };
        if (r.budget() == 1.0) {
            return name;
        }
        return String.format(Locale.ROOT, "%s at %s budgets", name, new java.math.BigDecimal(Double.toString(r.budget()))
                .stripTrailingZeros().toPlainString());
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
