package org.swa4j.core.schedule;

import java.util.Objects;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The cyclical learning rate of the SWA paper (Izmailov et al. 2018, eq. 2), per iteration: within
 * each cycle of {@code c} iterations
 * <pre>  lr(i) = (1 - t(i)) * a1 + t(i) * a2,   t(i) = (mod(i - 1, c) + 1) / c</pre>
 * for the 1-based iteration {@code i}, counted from {@code startIteration}. DL4J passes the 0-based
 * iteration count {@code k}, so {@code i = k - startIteration + 1}. The cycle's last iteration has
 * the lowest rate {@code a2}; cyclic SWA averages the weights after it ({@link #isCycleEnd}).
 * Before {@code startIteration} the rate is {@code a1}.
 *
 * <p>Rejects (IllegalArgumentException): non-positive learning rates, {@code a1 < a2}, a cycle
 * shorter than one iteration, a negative start.
 */
public final class CyclicSchedule implements ISchedule {

    @JsonProperty("a1")
    private final double a1;
    @JsonProperty("a2")
    private final double a2;
    @JsonProperty("cycle")
    private final int cycle;
    @JsonProperty("startIteration")
    private final int startIteration;

    public CyclicSchedule(@JsonProperty("a1") double a1, @JsonProperty("a2") double a2,
            @JsonProperty("cycle") int cycle, @JsonProperty("startIteration") int startIteration) {
        Schedules.requirePositive("a1", a1);
        Schedules.requirePositive("a2", a2);
        if (a1 < a2) {
            throw new IllegalArgumentException("a1 (the cycle's highest rate) must be >= a2, got a1=" + a1 + ", a2=" + a2);
        }
        if (cycle < 1) {
            throw new IllegalArgumentException("cycle must be >= 1 iteration, got " + cycle);
        }
        if (startIteration < 0) {
            throw new IllegalArgumentException("startIteration must be >= 0, got " + startIteration);
        }
        this.a1 = a1;
        this.a2 = a2;
        this.cycle = cycle;
        this.startIteration = startIteration;
    }

    /** Cycles from iteration 0. */
    public CyclicSchedule(double a1, double a2, int cycle) {
        this(a1, a2, cycle, 0);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < startIteration) {
            return a1;
        }
        long i = (long) iteration - startIteration + 1;
        double t = (double) (Math.floorMod(i - 1, (long) cycle) + 1) / cycle;
        return (1 - t) * a1 + t * a2;
    }

    /** True if the 0-based DL4J {@code iteration} is the last (lowest-rate) iteration of a cycle. */
    public boolean isCycleEnd(int iteration) {
        return iteration >= startIteration && ((long) iteration - startIteration + 1) % cycle == 0;
    }

    public double getA1() {
        return a1;
    }

    public double getA2() {
        return a2;
    }

    public int getCycle() {
        return cycle;
    }

    public int getStartIteration() {
        return startIteration;
    }

    @Override
    public ISchedule clone() {
        return new CyclicSchedule(a1, a2, cycle, startIteration);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CyclicSchedule s && s.a1 == a1 && s.a2 == a2 && s.cycle == cycle
                && s.startIteration == startIteration;
    }

    @Override
    public int hashCode() {
        return Objects.hash(a1, a2, cycle, startIteration);
    }

    @Override
    public String toString() {
        return "CyclicSchedule(a1=" + a1 + ", a2=" + a2 + ", cycle=" + cycle + ", start=" + startIteration + ")";
    }
}
