package org.swa4j.data.corrupt;

/**
 * Rotation of each channel by {@code degrees} counter-clockwise (as seen with row 0 at the top) about the
 * image centre {@code (cx, cy) = ((width - 1) / 2, (height - 1) / 2)}, bilinear, with 0 (black) outside the
 * image, as Ovadia et al.'s rotated MNIST. Output pixel (x, y) samples the input at
 * <pre>
 *   sx = cx + (x - cx) cos t - (y - cy) sin t,   sy = cy + (x - cx) sin t + (y - cy) cos t,   t = degrees * pi / 180
 * </pre>
 * from its four neighbours weighted by {@code (1 - fx)(1 - fy), fx (1 - fy), (1 - fx) fy, fx fy}
 * ({@code fx, fy} the fractional parts), a neighbour outside the image counting as 0. On a square image 90
 * degrees gives {@code out[y][x] = in[x][width - 1 - y]} (numpy's {@code rot90}) up to the rounding of
 * {@code cos(pi / 2)}. Trigonometry from {@link StrictMath}. Rejects a non-finite angle.
 */
public final class Rotation {
    private Rotation() {
    }

    /** The rotated image, a new array. */
    public static double[] apply(double[] pixels, ImageShape shape, double degrees) {
        shape.check(pixels);
        if (!Double.isFinite(degrees)) {
            throw new IllegalArgumentException("rotation angle must be finite, got " + degrees);
        }
        double t = StrictMath.toRadians(degrees);
        double cos = StrictMath.cos(t);
        double sin = StrictMath.sin(t);
        int h = shape.height();
        int w = shape.width();
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        double[] out = new double[pixels.length];
        for (int c = 0; c < shape.channels(); c++) {
            int base = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double dx = x - cx;
                    double dy = y - cy;
                    double sx = cx + dx * cos - dy * sin;
                    double sy = cy + dx * sin + dy * cos;
                    int x0 = (int) Math.floor(sx);
                    int y0 = (int) Math.floor(sy);
                    double fx = sx - x0;
                    double fy = sy - y0;
                    out[base + y * w + x] = (1 - fx) * (1 - fy) * at(pixels, base, w, h, x0, y0)
                            + fx * (1 - fy) * at(pixels, base, w, h, x0 + 1, y0)
                            + (1 - fx) * fy * at(pixels, base, w, h, x0, y0 + 1)
                            + fx * fy * at(pixels, base, w, h, x0 + 1, y0 + 1);
                }
            }
        }
        return out;
    }

    private static double at(double[] pixels, int base, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : pixels[base + y * w + x];
    }
}
