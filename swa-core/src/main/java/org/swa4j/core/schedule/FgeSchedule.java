package org.swa4j.core.schedule;

import java.util.Objects;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Fast Geometric Ensembling's triangular learning rate ({@code timgaripov/dnn-mode-connectivity},
 * {@code utils.cyclic_learning_rate}), per iteration. With {@code k} the 0-based iteration counted
 * from {@code startIteration} and a cycle of {@code C} iterations:
 * <pre>
 *   t  = mod(k, C) / C
 *   lr = lr1 * (1 - 2t) + lr2 * 2t          if t &lt; 0.5
 *      = lr1 * (2t - 1) + lr2 * (2 - 2t)    otherwise
 * </pre>
 * so the rate falls from {@code lr1} to {@code lr2} in the first half of each cycle and rises back.
 * A snapshot follows iteration {@code k} when {@code mod(k + 1, C) == floor(C / 2)}
 * ({@link #isSnapshotIteration}), the end of the first half, where the rate is lowest. Before
 * {@code startIteration} the rate is {@code lr1}. The epoch argument of {@link #valueAt} is ignored.
 *
 * <p>Two forms:
 * <ul>
 *   <li>the reference's, {@link #FgeSchedule(double, double, int, int, int)}: cycles of an even number
 *       {@code c} of epochs of {@code n} iterations from epoch {@code startEpoch}, that is
 *       {@code C = c n} from iteration {@code startEpoch n}. There {@code t} is
 *       {@code (mod(e, c) + j / n) / c} for epoch {@code e} and step {@code j} of it (the reference's
 *       formula, equal up to rounding), and the snapshot follows the last iteration of each epoch
 *       with {@code mod(e, c) + 1 == c / 2}, as {@code fge.py} takes it after such an epoch
 *       ({@link #isSnapshotEpoch}). It assumes every epoch has {@code n} iterations.</li>
 *   <li>{@link #ofIterations}: a cycle of any {@code C >= 2} iterations, which may be a fraction of an
 *       epoch (small data sets, where two epochs are a handful of steps); it has no epochs.</li>
 * </ul>
 *
 * <p>Rejects (IllegalArgumentException): non-positive learning rates, a cycle that is not an even
 * number of epochs &gt;= 2 (the reference's snapshot falls at the minimum only for even cycles) or
 * fewer than 2 iterations, fewer than one iteration per epoch, a negative start.
 */
public final class FgeSchedule implements ISchedule {

    @JsonProperty("lr1")
    private final double lr1;
    @JsonProperty("lr2")
    private final double lr2;
    @JsonProperty("cycleIterations")
    private final int cycleIterations;
    @JsonProperty("startIteration")
    private final int startIteration;
    /** Iterations per epoch of the reference form; 0 for a schedule built in iterations. */
    @JsonProperty("iterationsPerEpoch")
    private final int iterationsPerEpoch;

    private FgeSchedule(int iterationsPerEpoch, double lr1, double lr2, int cycleIterations, int startIteration) {
        Schedules.requirePositive("lr1", lr1);
        Schedules.requirePositive("lr2", lr2);
        if (cycleIterations < 2) {
            throw new IllegalArgumentException("cycle must be >= 2 iterations, got " + cycleIterations);
        }
        if (startIteration < 0) {
            throw new IllegalArgumentException("startIteration must be >= 0, got " + startIteration);
        }
        if (iterationsPerEpoch < 0) {
            throw new IllegalArgumentException("iterationsPerEpoch must be >= 0 (0: a schedule without epochs), got "
                    + iterationsPerEpoch);
        }
        this.lr1 = lr1;
        this.lr2 = lr2;
        this.cycleIterations = cycleIterations;
        this.startIteration = startIteration;
        this.iterationsPerEpoch = iterationsPerEpoch;
    }

    /** The schedule as serialised with a network's configuration. */
    @JsonCreator
    static FgeSchedule fromJson(@JsonProperty("lr1") double lr1, @JsonProperty("lr2") double lr2,
            @JsonProperty("cycleIterations") int cycleIterations, @JsonProperty("startIteration") int startIteration,
            @JsonProperty("iterationsPerEpoch") int iterationsPerEpoch) {
        return new FgeSchedule(iterationsPerEpoch, lr1, lr2, cycleIterations, startIteration);
    }

    /**
     * The reference's form: cycles of {@code cycle} epochs (even, &gt;= 2) of {@code iterationsPerEpoch}
     * iterations, from epoch {@code startEpoch} (0-based, DL4J's count).
     */
    public FgeSchedule(double lr1, double lr2, int cycle, int iterationsPerEpoch, int startEpoch) {
        this(iterationsPerEpoch, lr1, lr2, epochsToIterations("cycle", evenCycle(cycle), perEpoch(iterationsPerEpoch)),
                epochsToIterations("startEpoch", nonNegativeStart(startEpoch), iterationsPerEpoch));
    }

    /**
     * Cycles of {@code cycleIterations} (&gt;= 2) iterations from iteration {@code startIteration}, as a
     * training loop counts them; the cycle need not be a whole number of epochs.
     */
    public static FgeSchedule ofIterations(double lr1, double lr2, int cycleIterations, int startIteration) {
        return new FgeSchedule(0, lr1, lr2, cycleIterations, startIteration);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < startIteration) {
            return lr1;
        }
        int k = iteration - startIteration;
        double t = (double) (k % cycleIterations) / cycleIterations;
        return t < 0.5 ? lr1 * (1 - 2 * t) + lr2 * 2 * t : lr1 * (2 * t - 1) + lr2 * (2 - 2 * t);
    }

    /** True if a snapshot follows the 0-based {@code iteration}: the end of a cycle's falling half. */
    public boolean isSnapshotIteration(int iteration) {
        return iteration >= startIteration && (iteration - startIteration + 1) % cycleIterations == cycleIterations / 2;
    }

    /**
     * True if a snapshot follows the 0-based network {@code epoch} (lowest rate of a cycle): its last
     * iteration is a snapshot iteration. Only the reference's form has epochs.
     *
     * @throws IllegalStateException for a schedule built with {@link #ofIterations}
     */
    public boolean isSnapshotEpoch(int epoch) {
        if (iterationsPerEpoch == 0) {
            throw new IllegalStateException("an FGE schedule built in iterations has no epochs; use isSnapshotIteration");
        }
        long last = (epoch + 1L) * iterationsPerEpoch - 1;
        return last <= Integer.MAX_VALUE && epoch >= 0 && isSnapshotIteration((int) last);
    }

    public double getLr1() {
        return lr1;
    }

    public double getLr2() {
        return lr2;
    }

    public int getCycleIterations() {
        return cycleIterations;
    }

    public int getStartIteration() {
        return startIteration;
    }

    /** Iterations per epoch of the reference's form; 0 for a schedule built with {@link #ofIterations}. */
    public int getIterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    @Override
    public ISchedule clone() {
        return new FgeSchedule(iterationsPerEpoch, lr1, lr2, cycleIterations, startIteration);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FgeSchedule s && s.lr1 == lr1 && s.lr2 == lr2 && s.cycleIterations == cycleIterations
                && s.startIteration == startIteration && s.iterationsPerEpoch == iterationsPerEpoch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lr1, lr2, cycleIterations, startIteration, iterationsPerEpoch);
    }

    @Override
    public String toString() {
        return "FgeSchedule(lr1=" + lr1 + ", lr2=" + lr2 + ", cycleIterations=" + cycleIterations + ", startIteration="
                + startIteration + (iterationsPerEpoch == 0 ? "" : ", iterationsPerEpoch=" + iterationsPerEpoch) + ")";
    }

    private static int evenCycle(int cycle) {
        if (cycle < 2 || cycle % 2 != 0) {
            throw new IllegalArgumentException("cycle must be an even number of epochs >= 2, got " + cycle);
        }
        return cycle;
    }

    private static int perEpoch(int iterationsPerEpoch) {
        if (iterationsPerEpoch < 1) {
            throw new IllegalArgumentException("iterationsPerEpoch must be >= 1, got " + iterationsPerEpoch);
        }
        return iterationsPerEpoch;
    }

    private static int nonNegativeStart(int startEpoch) {
        if (startEpoch < 0) {
            throw new IllegalArgumentException("startEpoch must be >= 0, got " + startEpoch);
        }
        return startEpoch;
    }

    private static int epochsToIterations(String name, int epochs, int iterationsPerEpoch) {
        long iterations = (long) epochs * iterationsPerEpoch;
        if (iterations > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " of " + epochs + " epochs of " + iterationsPerEpoch
                    + " iterations exceeds DL4J's int iteration count");
        }
        return (int) iterations;
    }
}
