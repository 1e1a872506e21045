package org.swa4j.core.schedule;

import java.util.Objects;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The SWA run's per-epoch learning rate in the SWA paper's reference code ({@code timgaripov/swa
 * train.py --swa}): for the 0-based epoch {@code e}, {@code lr = lr_init * factor(e / swa_start, swa_lr /
 * lr_init)} with {@link ReferenceDecay}'s factor, so the rate reaches {@code swa_lr} at 90% of
 * {@code swa_start} and stays there. {@code swa_start} is 1-based as in the reference: averaging follows
 * epochs with {@code e + 1 >= swa_start} ({@link #isAveragingEpoch}). The iteration argument is ignored.
 * The SGD baseline's schedule is {@link SgdSchedule}.
 *
 * <p>Rejects (IllegalArgumentException): a non-positive or non-finite learning rate, fewer than one
 * epoch, and a {@code swa_start} outside {@code [1, epochs]}.
 */
public final class SwaSchedule implements ISchedule {

    @JsonProperty("lrInit")
    private final double lrInit;
    @JsonProperty("swaLr")
    private final double swaLr;
    @JsonProperty("swaStart")
    private final int swaStart;
    @JsonProperty("epochs")
    private final int epochs;

    public SwaSchedule(@JsonProperty("lrInit") double lrInit, @JsonProperty("swaLr") double swaLr,
            @JsonProperty("swaStart") int swaStart, @JsonProperty("epochs") int epochs) {
        Schedules.requirePositive("lr_init", lrInit);
        Schedules.requirePositive("swa_lr", swaLr);
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (swaStart < 1 || swaStart > epochs) {
            throw new IllegalArgumentException("swa_start must be in [1, epochs = " + epochs + "], got " + swaStart);
        }
        this.lrInit = lrInit;
        this.swaLr = swaLr;
        this.swaStart = swaStart;
        this.epochs = epochs;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return lrInit * ReferenceDecay.factor((double) epoch / swaStart, swaLr / lrInit);
    }

    /** True if averaging follows the 0-based {@code epoch}: {@code epoch + 1 >= swa_start}. */
    public boolean isAveragingEpoch(int epoch) {
        return epoch + 1 >= swaStart;
    }

    public double getLrInit() {
        return lrInit;
    }

    public double getSwaLr() {
        return swaLr;
    }

    public int getSwaStart() {
        return swaStart;
    }

    public int getEpochs() {
        return epochs;
    }

    @Override
    public ISchedule clone() {
        return new SwaSchedule(lrInit, swaLr, swaStart, epochs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SwaSchedule s && s.lrInit == lrInit && s.swaLr == swaLr && s.swaStart == swaStart && s.epochs == epochs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lrInit, swaLr, swaStart, epochs);
    }

    @Override
    public String toString() {
        return "SwaSchedule(lr_init=" + lrInit + ", swa_lr=" + swaLr + ", swa_start=" + swaStart + ", epochs=" + epochs + ")";
    }
}
