package org.swa4j.experiments.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Width of an optimum along random directions (paper, Figure 4): for each of {@code directions}
 * random directions {@code d_i} drawn from one seed, the points {@code w + r d_i} for
 * {@code r = step, 2 step, ..., radius}, with BN statistics recomputed at each; the centre
 * {@code r = 0} is evaluated once. The width along {@code d_i} is the first distance {@code r} at
 * which the test error exceeds the centre's test error by more than {@code margin} (percentage
 * points); {@code NaN} when it never does within the radius.
 *
 * <p>Direction {@code i} (0-based) is {@link RandomDirections#draw} with the {@code (i+1)}-th
 * {@code nextLong()} of {@code new SplittableRandom(seed)}, so the same seed gives the same
 * directions from every centre.
 *
 * <p>Holds three weight vectors (centre, direction, point). Rejects fewer than one direction, a
 * radius that is not a whole number of positive steps, and a negative or non-finite margin.
 */
public final class WidthScan {

    /** One evaluated point: direction index (-1 for the centre), distance and metrics. */
    public record Point(int direction, double distance, PointMetrics metrics) {
    }

    /** The width along one direction, or {@code NaN} when the error never rose by the margin. */
    public record Width(int direction, double width) {
    }

    /** All points (centre first) and the width per direction. */
    public record Result(PointMetrics centre, List<Point> points, List<Width> widths) {
    }

    private WidthScan() {
    }

    /** Number of points {@link #run} evaluates. */
    public static int pointCount(int directions, double radius, double step) {
        return 1 + directions * (LineScan.grid(0, radius, step).length - 1);
    }

    public static Result run(PointEvaluator evaluator, INDArray centre, RandomDirections.Kind kind,
                             int directions, double radius, double step, double margin, long seed,
                             Progress progress) {
        if (directions < 1) {
            throw new IllegalArgumentException("number of directions must be at least 1, got " + directions);
        }
        if (!(margin >= 0) || !Double.isFinite(margin)) {
            throw new IllegalArgumentException("error margin must be finite and >= 0 percentage points, got " + margin);
        }
        double[] distances = LineScan.grid(0, radius, step);
        TrainableParameters layout = evaluator.layout();
        layout.requireVector(centre, "centre");
        PointMetrics atCentre = evaluator.evaluate(centre);
        progress.step();
        List<Point> points = new ArrayList<>();
        points.add(new Point(-1, 0, atCentre));
        List<Width> widths = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(seed);
        INDArray point = centre.dup();
        for (int i = 0; i < directions; i++) {
            INDArray d = RandomDirections.draw(kind, layout, centre, seeds.nextLong());
            double width = Double.NaN;
            for (int k = 1; k < distances.length; k++) {
                point.assign(d).muli(distances[k]).addi(centre);
                PointMetrics m = evaluator.evaluate(point);
                points.add(new Point(i, distances[k], m));
                if (Double.isNaN(width) && m.testError() > atCentre.testError() + margin) {
                    width = distances[k];
                }
                progress.step();
            }
            widths.add(new Width(i, width));
        }
        return new Result(atCentre, points, widths);
    }
}
