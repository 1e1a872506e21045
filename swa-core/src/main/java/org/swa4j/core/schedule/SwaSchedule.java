package org.swa4j.core.schedule;

import java.util.Objects;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The per-epoch learning rate of the SWA paper's reference code ({@code timgaripov/swa train.py}),
 * for the 0-based epoch {@code e}:
 * <pre>
 *   t      = e / (swa ? swa_start : epochs)
 *   ratio  = swa ? swa_lr / lr_init : 0.01
 *   factor = 1                                   if t &lt;= 0.5
 *          = 1 - (1 - ratio) * (t - 0.5) / 0.4   if t &lt;= 0.9
 *          = ratio                               otherwise
 *   lr     = lr_init * factor
 * </pre>
 * {@link #swa} builds the SWA variant (decays to {@code swa_lr} and stays there from 90% of
 * {@code swa_start}); {@link #sgd} the plain-SGD baseline (decays to 1% of {@code lr_init}).
 * {@code swa_start} is 1-based as in the reference: averaging happens after epochs with
 * {@code e + 1 >= swa_start}. The iteration argument is ignored.
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
    @JsonProperty("swa")
    private final boolean swa;

    /** Full constructor (also used by Jackson); prefer {@link #swa} and {@link #sgd}. */
    public SwaSchedule(@JsonProperty("lrInit") double lrInit, @JsonProperty("swaLr") double swaLr,
            @JsonProperty("swaStart") int swaStart, @JsonProperty("epochs") int epochs,
            @JsonProperty("swa") boolean swa) {
        Schedules.requirePositive("lr_init", lrInit);
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (swa) {
            Schedules.requirePositive("swa_lr", swaLr);
            if (swaStart < 1 || swaStart > epochs) {
                throw new IllegalArgumentException("swa_start must be in [1, epochs = " + epochs + "], got " + swaStart);
            }
        }
        this.lrInit = lrInit;
        this.swaLr = swaLr;
        this.swaStart = swaStart;
        this.epochs = epochs;
        this.swa = swa;
    }

    /** SWA schedule: decay to {@code swaLr}, reaching it at 90% of {@code swaStart}. */
    public static SwaSchedule swa(double lrInit, double swaLr, int swaStart, int epochs) {
        return new SwaSchedule(lrInit, swaLr, swaStart, epochs, true);
    }

    /** SGD baseline: decay to {@code 0.01 * lrInit}, reaching it at 90% of {@code epochs}. */
    public static SwaSchedule sgd(double lrInit, int epochs) {
        return new SwaSchedule(lrInit, lrInit, epochs, epochs, false);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double t = (double) epoch / (swa ? swaStart : epochs);
        double ratio = swa ? swaLr / lrInit : 0.01;
        double factor;
        if (t <= 0.5) {
            factor = 1.0;
        } else if (t <= 0.9) {
            factor = 1.0 - (1.0 - ratio) * (t - 0.5) / 0.4;
        } else {
            factor = ratio;
        }
        return lrInit * factor;
    }

    /** True if averaging follows the 0-based {@code epoch}: {@code epoch + 1 >= swa_start} (SWA variant only). */
    public boolean isAveragingEpoch(int epoch) {
        return swa && epoch + 1 >= swaStart;
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

    public boolean isSwa() {
        return swa;
    }

    @Override
    public ISchedule clone() {
        return new SwaSchedule(lrInit, swaLr, swaStart, epochs, swa);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SwaSchedule s && s.lrInit == lrInit && s.swaLr == swaLr && s.swaStart == swaStart
                && s.epochs == epochs && s.swa == swa;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lrInit, swaLr, swaStart, epochs, swa);
    }

    @Override
    public String toString() {
        return swa ? "SwaSchedule(swa, lr_init=" + lrInit + ", swa_lr=" + swaLr + ", swa_start=" + swaStart
                + ", epochs=" + epochs + ")" : "SwaSchedule(sgd, lr_init=" + lrInit + ", epochs=" + epochs + ")";
    }
}
