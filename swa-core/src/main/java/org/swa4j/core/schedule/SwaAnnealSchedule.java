package org.swa4j.core.schedule;

import java.util.Objects;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * torch's {@code SWALR}: anneal from {@code initialLr} to a constant {@code swaLr} over
 * {@code annealEpochs} epochs starting at {@code startEpoch}, per epoch {@code e}:
 * <pre>
 *   t  = clamp((e - startEpoch) / max(1, annealEpochs), 0, 1)   (t = 1 when annealEpochs = 0)
 *   lr = swaLr * alpha(t) + initialLr * (1 - alpha(t))
 * </pre>
 * with {@code alpha} from {@link AnnealStrategy} (cos or linear). Before {@code startEpoch} the rate
 * is {@code initialLr}. This is the closed form of SWALR's recursive update when it starts from
 * {@code initialLr}; the iteration argument is ignored.
 *
 * <p>Rejects (IllegalArgumentException): non-positive learning rates, negative epochs, a null strategy.
 */
public final class SwaAnnealSchedule implements ISchedule {

    @JsonProperty("initialLr")
    private final double initialLr;
    @JsonProperty("swaLr")
    private final double swaLr;
    @JsonProperty("startEpoch")
    private final int startEpoch;
    @JsonProperty("annealEpochs")
    private final int annealEpochs;
    @JsonProperty("strategy")
    private final AnnealStrategy strategy;

    public SwaAnnealSchedule(@JsonProperty("initialLr") double initialLr, @JsonProperty("swaLr") double swaLr,
            @JsonProperty("startEpoch") int startEpoch, @JsonProperty("annealEpochs") int annealEpochs,
            @JsonProperty("strategy") AnnealStrategy strategy) {
        Schedules.requirePositive("initialLr", initialLr);
        Schedules.requirePositive("swaLr", swaLr);
        if (startEpoch < 0) {
            throw new IllegalArgumentException("startEpoch must be >= 0, got " + startEpoch);
        }
        if (annealEpochs < 0) {
            throw new IllegalArgumentException("annealEpochs must be >= 0, got " + annealEpochs);
        }
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must be COS or LINEAR, got null");
        }
        this.initialLr = initialLr;
        this.swaLr = swaLr;
        this.startEpoch = startEpoch;
        this.annealEpochs = annealEpochs;
        this.strategy = strategy;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (epoch < startEpoch) {
            return initialLr;
        }
        double t = annealEpochs == 0 ? 1.0 : Math.min(1.0, (double) (epoch - startEpoch) / annealEpochs);
        double alpha = strategy.alpha(t);
        return swaLr * alpha + initialLr * (1 - alpha);
    }

    public double getInitialLr() {
        return initialLr;
    }

    public double getSwaLr() {
        return swaLr;
    }

    public int getStartEpoch() {
        return startEpoch;
    }

    public int getAnnealEpochs() {
        return annealEpochs;
    }

    public AnnealStrategy getStrategy() {
        return strategy;
    }

    @Override
    public ISchedule clone() {
        return new SwaAnnealSchedule(initialLr, swaLr, startEpoch, annealEpochs, strategy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SwaAnnealSchedule s && s.initialLr == initialLr && s.swaLr == swaLr
                && s.startEpoch == startEpoch && s.annealEpochs == annealEpochs && s.strategy == strategy;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialLr, swaLr, startEpoch, annealEpochs, strategy);
    }

    @Override
    public String toString() {
        return "SwaAnnealSchedule(initialLr=" + initialLr + ", swaLr=" + swaLr + ", startEpoch=" + startEpoch
                + ", annealEpochs=" + annealEpochs + ", strategy=" + strategy + ")";
    }
}
