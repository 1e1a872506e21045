package org.swa4j.experiments.geometry;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Metrics on a {@code resolution x resolution} grid over a {@link Plane} (paper, Figure 1, as in
 * Garipov et al.'s {@code plane.py}): the grid spans the bounding box of the three points'
 * coordinates widened by {@code margin} times its width and height on every side; BN statistics
 * are recomputed at every grid point.
 *
 * <p>Holds the plane's three vectors and one point. Rejects a resolution below 2 or above 200
 * and a negative or non-finite margin.
 */
public final class PlaneScan {

    /** Grid coordinates and metrics: {@code metrics[i][j]} is at {@code (xs[i], ys[j])}. */
    public record Result(double[] xs, double[] ys, PointMetrics[][] metrics, double[][] pointCoordinates) {
    }

    private PlaneScan() {
    }

    public static Result run(PointEvaluator evaluator, Plane plane, int resolution, double margin, Progress progress) {
        if (resolution < 2 || resolution > 200) {
            throw new IllegalArgumentException("plane grid resolution must be in [2, 200], got " + resolution);
        }
        if (!(margin >= 0) || !Double.isFinite(margin)) {
            throw new IllegalArgumentException("plane margin must be finite and >= 0, got " + margin);
        }
        double[][] c = plane.coordinates();
        double[] xs = axis(c[0][0], c[1][0], c[2][0], resolution, margin);
        double[] ys = axis(c[0][1], c[1][1], c[2][1], resolution, margin);
        PointMetrics[][] metrics = new PointMetrics[resolution][resolution];
        INDArray point = plane.newPoint();
        for (int i = 0; i < resolution; i++) {
            for (int j = 0; j < resolution; j++) {
                metrics[i][j] = evaluator.evaluate(plane.point(xs[i], ys[j], point));
                progress.step();
            }
        }
        return new Result(xs, ys, metrics, c);
    }

    static double[] axis(double a, double b, double c, int resolution, double margin) {
        double lo = Math.min(a, Math.min(b, c));
        double hi = Math.max(a, Math.max(b, c));
        double pad = margin * (hi - lo);
        double[] values = new double[resolution];
        for (int i = 0; i < resolution; i++) {
            values[i] = lo - pad + (hi - lo + 2 * pad) * i / (resolution - 1);
        }
        return values;
    }
}
