package org.swa4j.core.schedule;

import java.util.Objects;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The SGD baseline's per-epoch learning rate in the SWA paper's reference code ({@code timgaripov/swa
 * train.py} without {@code --swa}): for the 0-based epoch {@code e}, {@code lr = lr_init * factor(e /
 * epochs, 0.01)} with {@link ReferenceDecay}'s factor, that is flat for the first half, linear to 1% of
 * {@code lr_init} at 90% of the budget, flat after. The iteration argument is ignored.
 *
 * <p>Rejects (IllegalArgumentException): a non-positive or non-finite learning rate, fewer than one epoch.
 */
public final class SgdSchedule implements ISchedule {

    @JsonProperty("lrInit")
    private final double lrInit;
    @JsonProperty("epochs")
    private final int epochs;

    public SgdSchedule(@JsonProperty("lrInit") double lrInit, @JsonProperty("epochs") int epochs) {
        Schedules.requirePositive("lr_init", lrInit);
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        this.lrInit = lrInit;
        this.epochs = epochs;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return lrInit * ReferenceDecay.factor((double) epoch / epochs, 0.01);
    }

    public double getLrInit() {
        return lrInit;
    }

    public int getEpochs() {
        return epochs;
    }

    @Override
    public ISchedule clone() {
        return new SgdSchedule(lrInit, epochs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SgdSchedule s && s.lrInit == lrInit && s.epochs == epochs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lrInit, epochs);
    }

    @Override
    public String toString() {
        return "SgdSchedule(lr_init=" + lrInit + ", epochs=" + epochs + ")";
    }
}
