package org.swa4j.core.schedule;

/**
 * The decay of timgaripov/swa {@code train.py}'s {@code schedule(epoch)}, as a factor of {@code lr_init}
 * at the fraction {@code t} of the decay's length, falling to {@code ratio}:
 * <pre>
 *   factor = 1                                   if t &lt;= 0.5
 *          = 1 - (1 - ratio) * (t - 0.5) / 0.4   if t &lt;= 0.9
 *          = ratio                               otherwise
 * </pre>
 * Shared by {@link SgdSchedule} and {@link SwaSchedule}.
 */
final class ReferenceDecay {

    private ReferenceDecay() {
    }

    static double factor(double t, double ratio) {
        if (t <= 0.5) {
            return 1.0;
        }
        return t <= 0.9 ? 1.0 - (1.0 - ratio) * (t - 0.5) / 0.4 : ratio;
    }
}
