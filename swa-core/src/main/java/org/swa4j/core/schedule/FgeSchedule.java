package org.swa4j.core.schedule;

import java.util.Objects;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Fast Geometric Ensembling's triangular learning rate ({@code timgaripov/dnn-mode-connectivity},
 * {@code utils.cyclic_learning_rate}), per iteration. With {@code e} the epoch counted from
 * {@code startEpoch} and {@code j / n} the fraction of that epoch done ({@code j} the 0-based
 * iteration within the epoch, {@code n} iterations per epoch):
 * <pre>
 *   t  = (mod(e, cycle) + j / n) / cycle
 *   lr = lr1 * (1 - 2t) + lr2 * 2t          if t &lt; 0.5
 *      = lr1 * (2t - 1) + lr2 * (2 - 2t)    otherwise
 * </pre>
 * so the rate falls from {@code lr1} to {@code lr2} in the first half of each cycle and rises back.
 * A snapshot is taken after epochs with {@code mod(e, cycle) + 1 == cycle / 2}, where the rate is
 * lowest ({@link #isSnapshotEpoch}). {@code j = mod(k, n)} for DL4J's 0-based iteration count
 * {@code k}, which assumes every epoch has {@code n} iterations. Before {@code startEpoch} the rate
 * is {@code lr1}.
 *
 * <p>Rejects (IllegalArgumentException): non-positive learning rates, a cycle that is not an even
 * number of epochs &gt;= 2 (the reference's snapshot falls at the minimum only for even cycles),
 * fewer than one iteration per epoch, a negative start.
 */
public final class FgeSchedule implements ISchedule {

    @JsonProperty("lr1")
    private final double lr1;
    @JsonProperty("lr2")
    private final double lr2;
    @JsonProperty("cycle")
    private final int cycle;
    @JsonProperty("iterationsPerEpoch")
    private final int iterationsPerEpoch;
    @JsonProperty("startEpoch")
    private final int startEpoch;

    public FgeSchedule(@JsonProperty("lr1") double lr1, @JsonProperty("lr2") double lr2,
            @JsonProperty("cycle") int cycle, @JsonProperty("iterationsPerEpoch") int iterationsPerEpoch,
            @JsonProperty("startEpoch") int startEpoch) {
        Schedules.requirePositive("lr1", lr1);
        Schedules.requirePositive("lr2", lr2);
        if (cycle < 2 || cycle % 2 != 0) {
            throw new IllegalArgumentException("cycle must be an even number of epochs >= 2, got " + cycle);
        }
        if (iterationsPerEpoch < 1) {
            throw new IllegalArgumentException("iterationsPerEpoch must be >= 1, got " + iterationsPerEpoch);
        }
        if (startEpoch < 0) {
            throw new IllegalArgumentException("startEpoch must be >= 0, got " + startEpoch);
        }
        this.lr1 = lr1;
        this.lr2 = lr2;
        this.cycle = cycle;
        this.iterationsPerEpoch = iterationsPerEpoch;
        this.startEpoch = startEpoch;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (epoch < startEpoch) {
            return lr1;
        }
        int e = epoch - startEpoch;
        double t = ((e % cycle) + (double) Math.floorMod(iteration, iterationsPerEpoch) / iterationsPerEpoch) / cycle;
        return t < 0.5 ? lr1 * (1 - 2 * t) + lr2 * 2 * t : lr1 * (2 * t - 1) + lr2 * (2 - 2 * t);
    }

    /** True if a snapshot is taken after the 0-based network {@code epoch} (lowest rate of a cycle). */
    public boolean isSnapshotEpoch(int epoch) {
        return epoch >= startEpoch && ((epoch - startEpoch) % cycle) + 1 == cycle / 2;
    }

    public double getLr1() {
        return lr1;
    }

    public double getLr2() {
        return lr2;
    }

    public int getCycle() {
        return cycle;
    }

    public int getIterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    public int getStartEpoch() {
        return startEpoch;
    }

    @Override
    public ISchedule clone() {
        return new FgeSchedule(lr1, lr2, cycle, iterationsPerEpoch, startEpoch);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FgeSchedule s && s.lr1 == lr1 && s.lr2 == lr2 && s.cycle == cycle
                && s.iterationsPerEpoch == iterationsPerEpoch && s.startEpoch == startEpoch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lr1, lr2, cycle, iterationsPerEpoch, startEpoch);
    }

    @Override
    public String toString() {
        return "FgeSchedule(lr1=" + lr1 + ", lr2=" + lr2 + ", cycle=" + cycle + ", iterationsPerEpoch="
                + iterationsPerEpoch + ", startEpoch=" + startEpoch + ")";
    }
}
