package org.swa4j.experiments.geometry;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The plane through three weight vectors {@code w1, w2, w3} (paper, Figure 1; Garipov et al.
 * 2018): an orthonormal basis by Gram-Schmidt,
 * {@code u = (w2 - w1) / ||w2 - w1||}, {@code v = r / ||r||} with
 * {@code r = (w3 - w1) - <w3 - w1, u> u}, and the point of coordinates {@code (x, y)} is
 * {@code w1 + x u + y v}. The three points have coordinates {@code (0, 0)},
 * {@code (||w2 - w1||, 0)} and {@code (<w3 - w1, u>, ||r||)}.
 *
 * <p>Holds three vectors (origin, u, v). Rejects vectors of different lengths and three points
 * that are (numerically) on one line: {@code ||w2 - w1||} or {@code ||r||} below 1e-6 times the
 * larger of {@code ||w2 - w1||, ||w3 - w1||}.
 */
public final class Plane {

    private final INDArray origin;
    private final INDArray u;
    private final INDArray v;
    private final double[][] coordinates;

    private Plane(INDArray origin, INDArray u, INDArray v, double[][] coordinates) {
        this.origin = origin;
        this.u = u;
        this.v = v;
        this.coordinates = coordinates;
    }

    /** The plane through {@code w1, w2, w3} (the arrays are not modified). */
    public static Plane through(INDArray w1, INDArray w2, INDArray w3) {
        if (w1.length() != w2.length() || w1.length() != w3.length()) {
            throw new IllegalArgumentException("the three points must have the same length, got "
                    + w1.length() + ", " + w2.length() + ", " + w3.length());
        }
        INDArray u = w2.sub(w1);
        double uNorm = u.norm2Number().doubleValue();
        INDArray v = w3.sub(w1);
        double scale = Math.max(uNorm, v.norm2Number().doubleValue());
        if (!(uNorm > 1e-6 * scale)) {
            throw new IllegalArgumentException("points 1 and 2 coincide (distance " + uNorm + "): no plane");
        }
        u.divi(uNorm);
        double x3 = v.mul(u).sumNumber().doubleValue();
        v.subi(u.mul(x3));
        double y3 = v.norm2Number().doubleValue();
        if (!(y3 > 1e-6 * scale)) {
            throw new IllegalArgumentException("the three points lie on one line (distance of point 3 from it "
                    + y3 + "): no plane");
        }
        v.divi(y3);
        return new Plane(w1.dup(), u, v, new double[][] {{0, 0}, {uNorm, 0}, {x3, y3}});
    }

    /** The plane coordinates of the three defining points, {@code [3][2]}. */
    public double[][] coordinates() {
        return new double[][] {coordinates[0].clone(), coordinates[1].clone(), coordinates[2].clone()};
    }

    /** Writes {@code w1 + x u + y v} into {@code out} and returns it. */
    public INDArray point(double x, double y, INDArray out) {
        return out.assign(u).muli(x).addi(origin).addi(v.mul(y));
    }

    /** Coordinates {@code (<w - w1, u>, <w - w1, v>)} of the projection of {@code w} onto the plane. */
    public double[] project(INDArray w) {
        INDArray r = w.sub(origin);
        return new double[] {r.mul(u).sumNumber().doubleValue(), r.mul(v).sumNumber().doubleValue()};
    }

    /** A copy of the origin {@code w1}, for sizing output buffers. */
    public INDArray newPoint() {
        return origin.dup();
    }
}
