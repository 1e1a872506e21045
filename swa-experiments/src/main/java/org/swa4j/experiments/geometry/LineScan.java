package org.swa4j.experiments.geometry;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The segment through two solutions (paper, Figure 5): {@code w(t) = w_SGD + t (w_SWA - w_SGD)},
 * evaluated with BN statistics recomputed at every {@code t} of a grid; {@code t = 0} is the SGD
 * solution and {@code t = 1} the SWA solution.
 *
 * <p>Holds three weight vectors at once (start, difference, current point). Rejects a grid that
 * {@link #grid} rejects and vectors of the wrong length.
 */
public final class LineScan {

    /** One point of the line. */
    public record Point(double t, PointMetrics metrics) {
    }

    private LineScan() {
    }

    /**
     * {@code from, from + step, ..., to}: {@code round((to - from) / step) + 1} values, each rounded
     * to 1e-9 so that grid values such as 0 and 1 are exact. Rejects a non-finite or non-positive
     * step, {@code from >= to}, a range that is not a whole number of steps (to 1e-6 of a step), and
     * more than 100,000 points.
     */
    public static double[] grid(double from, double to, double step) {
        if (!Double.isFinite(from) || !Double.isFinite(to) || from >= to) {
            throw new IllegalArgumentException("grid range must be finite with from < to, got [" + from + ", " + to + "]");
        }
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("grid step must be positive and finite, got " + step);
        }
        double steps = (to - from) / step;
        long n = Math.round(steps);
        if (Math.abs(steps - n) > 1e-6) {
            throw new IllegalArgumentException("range [" + from + ", " + to + "] is not a whole number of steps of "
                    + step + " (" + steps + " steps)");
        }
        if (n + 1 > 100_000) {
            throw new IllegalArgumentException("grid of " + (n + 1) + " points exceeds 100000");
        }
        double[] ts = new double[(int) n + 1];
        for (int i = 0; i <= n; i++) {
            ts[i] = Math.round((from + i * step) * 1e9) / 1e9;
        }
        return ts;
    }

    /** Evaluates {@code w(t)} at every {@code t} of {@code ts}, in order. */
    public static List<Point> run(PointEvaluator evaluator, INDArray wSgd, INDArray wSwa, double[] ts,
                                  Progress progress) {
        TrainableParameters layout = evaluator.layout();
        layout.requireVector(wSgd, "w_SGD");
        layout.requireVector(wSwa, "w_SWA");
        INDArray difference = wSwa.sub(wSgd);
        INDArray point = wSgd.dup();
        List<Point> points = new ArrayList<>(ts.length);
        for (double t : ts) {
            point.assign(difference).muli(t).addi(wSgd);
            points.add(new Point(t, evaluator.evaluate(point)));
            progress.step();
        }
        return points;
    }
}
