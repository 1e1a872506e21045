package org.swa4j.core;

/**
 * How an {@link AveragedModel} folds in a new network: {@code avg = (1 - a) avg + a w}, with the weight
 * {@code a = weightOfNew(n)} of the new weights given the number {@code n >= 1} of networks already in the
 * average (the first update copies, {@code a = 1}). This is torch's {@code avg_fn} restricted to convex
 * combinations, which is what lets an update be one fused pass over the weights with no allocation;
 * it covers the equal average of SWA, the exponential moving average, and weighted schemes such as
 * polynomial-decay averaging.
 *
 * <pre>
 *   AveragingRule.swa()        a = 1 / (n + 1)          (Izmailov et al. 2018; torch get_swa_avg_fn)
 *   AveragingRule.ema(d)       a = 1 - d                (torch get_ema_avg_fn)
 *   n -> 2.0 / (n + 2)         a user's own rule: polynomial-decay averaging with gamma = 1
 * </pre>
 * A user's rule must return a weight in (0, 1] for every {@code n >= 1}; {@link AveragedModel} rejects
 * any other value when it is used. Only the two built-ins can be restored from a file by themselves;
 * a state saved with a rule of one's own is loaded by passing the rule again.
 */
@FunctionalInterface
public interface AveragingRule {

    /** The weight in (0, 1] of the new weights when {@code averaged >= 1} networks are already in the average. */
    double weightOfNew(long averaged);

    /** The equal running average {@code avg += (w - avg) / (n + 1)}. */
    static AveragingRule swa() {
        return Equal.INSTANCE;
    }

    /** The exponential moving average {@code avg = d avg + (1 - d) w}, d in (0, 1). */
    static AveragingRule ema(double decay) {
        return new Exponential(decay);
    }

    /** The equal average of SWA. */
    enum Equal implements AveragingRule {
        INSTANCE;

        @Override
        public double weightOfNew(long averaged) {
            return 1.0 / (averaged + 1);
        }

        @Override
        public String toString() {
            return "swa";
        }
    }

    /** The exponential moving average with decay {@code decay}. */
    record Exponential(double decay) implements AveragingRule {

        /** Rejects a decay outside (0, 1). */
        public Exponential {
            if (!(decay > 0 && decay < 1)) {
                throw new IllegalArgumentException("EMA decay must be in (0, 1), got " + decay);
            }
        }

        @Override
        public double weightOfNew(long averaged) {
            return 1 - decay;
        }

        @Override
        public String toString() {
            return "ema(" + decay + ")";
        }
    }
}
