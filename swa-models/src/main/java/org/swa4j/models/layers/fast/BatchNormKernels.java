package org.swa4j.models.layers.fast;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Training-mode BatchNorm (+ ReLU) on contiguous NCHW arrays in plain Java, one pass per reduction,
 * channels split across threads.
 *
 * <p>Why not libnd4j's ops: at [128, 16, 32, 32] on the 2-core development machine {@code moments}
 * takes 2.5 ms, {@code batchnorm} 2.6 ms, {@code relu_bp} 2.7 ms and {@code batchnorm_bp} 14.8 ms
 * (its OneDNN path allocates full-size temporaries for the gradients of mean and variance), while
 * PyTorch 1.13 runs the whole BatchNorm forward and backward in 3.3 ms. Each kernel here reads and
 * writes each array the minimum number of times (docs/fast-layers.md has the figures).
 *
 * <p>Formulas, per channel c over the M = N*H*W values of x (biased variance, as in training):
 * <pre>
 *   mean = sum(x) / M,  var = sum((x - mean)^2) / M,  invstd = 1 / sqrt(var + eps)
 *   forward:  y = gamma * (x - mean) * invstd + beta          (then max(y, 0) if relu)
 *   backward: g = dy * [y > 0] (relu) or dy;  dbeta = sum(g);  dgamma = invstd * sum(g * (x - mean))
 *             dx = gamma * invstd * (g - dbeta / M - (x - mean) * invstd * dgamma / M)
 * </pre>
 * Sums are accumulated in double. The moments are accumulated around a per-channel shift (the
 * channel's first value), so that a large mean does not cancel the variance.
 */
final class BatchNormKernels {

    private BatchNormKernels() {
    }

    /** Whether {@code x} can use these kernels: a contiguous 'c'-order NCHW float or double array. */
    static boolean supports(INDArray x) {
        return x.rank() == 4 && x.ordering() == 'c' && Shape.hasDefaultStridesForShape(x)
                && (x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE);
    }

    private static void forEachChannel(long channels, java.util.function.IntConsumer body) {
        IntStream.range(0, (int) channels).parallel().forEach(body);
    }

    // ---------------------------------------------------------------------------------------------
    // moments

    /** Writes the per-channel mean and biased variance of x into {@code mean} and {@code var} ([C]). */
    static void moments(INDArray x, INDArray mean, INDArray var) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int hw = (int) (x.size(2) * x.size(3));
        double[] m = new double[c];
        double[] v = new double[c];
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = floats(x);
            forEachChannel(c, ch -> {
                float[] xs = new float[hw];
                float shift = xb.get(ch * hw);
                double s = 0;
                double q = 0;
                for (int i = 0; i < n; i++) {
                    xb.get((i * c + ch) * hw, xs);
                    s += sum(xs) - (double) shift * hw;
                    q += sumSquares(xs, shift);
                }
                double count = (double) n * hw;
                double ds = s / count;
                m[ch] = shift + ds;
                v[ch] = Math.max(q / count - ds * ds, 0);
            });
        } else {
            DoubleBuffer xb = doubles(x);
            forEachChannel(c, ch -> {
                double shift = xb.get(ch * hw);
                double s = 0;
                double q = 0;
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * hw;
                    for (int k = 0; k < hw; k++) {
                        double d = xb.get(base + k) - shift;
                        s += d;
                        q += d * d;
                    }
                }
                double count = (double) n * hw;
                double ds = s / count;
                m[ch] = shift + ds;
                v[ch] = Math.max(q / count - ds * ds, 0);
            });
        }
        put(mean, m);
        put(var, v);
    }

    // ---------------------------------------------------------------------------------------------
    // forward

    /** {@code out = gamma * (x - mean) / sqrt(var + eps) + beta}, then ReLU in place if {@code relu}. */
    static void normalize(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps,
            boolean relu, INDArray out) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int hw = (int) (x.size(2) * x.size(3));
        double[] m = get(mean);
        double[] v = get(var);
        double[] g = get(gamma);
        double[] b = get(beta);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = floats(x);
            FloatBuffer ob = floats(out);
            forEachChannel(c, ch -> {
                float[] xs = new float[hw];
                double a = g[ch] / Math.sqrt(v[ch] + eps);
                float scale = (float) a;
                float offset = (float) (b[ch] - m[ch] * a);
                float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * hw;
                    xb.get(base, xs);
                    for (int k = 0; k < hw; k++) {
                        xs[k] = Math.max(xs[k] * scale + offset, floor);
                    }
                    ob.put(base, xs);
                }
            });
        } else {
            DoubleBuffer xb = doubles(x);
            DoubleBuffer ob = doubles(out);
            forEachChannel(c, ch -> {
                double scale = g[ch] / Math.sqrt(v[ch] + eps);
                double offset = b[ch] - m[ch] * scale;
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * hw;
                    for (int k = base; k < base + hw; k++) {
                        double y = xb.get(k) * scale + offset;
                        ob.put(k, relu ? Math.max(y, 0) : y);
                    }
                }
            });
        }
    }

    // ---------------------------------------------------------------------------------------------
    // backward

    /**
     * Training-mode backward (the gradient flows through the batch moments). {@code reluOutput}, if
     * not null, is the forward output after the ReLU: the incoming gradient is masked by
     * {@code reluOutput > 0} first. Writes dL/dx into {@code dx} and dL/dgamma, dL/dbeta into
     * {@code dGamma}, {@code dBeta} ([C] views of the flat gradient).
     */
    static void backward(INDArray x, INDArray dy, INDArray reluOutput, INDArray mean, INDArray var, INDArray gamma,
            double eps, INDArray dx, INDArray dGamma, INDArray dBeta) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int hw = (int) (x.size(2) * x.size(3));
        double count = (double) n * hw;
        double[] m = get(mean);
        double[] v = get(var);
        double[] g = get(gamma);
        double[] dg = new double[c];
        double[] db = new double[c];
        boolean relu = reluOutput != null;
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = floats(x);
            FloatBuffer gb = floats(dy);
            FloatBuffer yb = relu ? floats(reluOutput) : null;
            FloatBuffer dxb = floats(dx);
            forEachChannel(c, ch -> {
                float[] xs = new float[hw];
                float[] gs = new float[hw];
                float[] ys = relu ? new float[hw] : null;
                float mu = (float) m[ch];
                double sumG = 0;
                double sumGx = 0;
                // pass 1: the sums; the masked gradient is parked in dx, which pass 2 overwrites
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * hw;
                    xb.get(base, xs);
                    gb.get(base, gs);
                    if (relu) {
                        yb.get(base, ys);
                        maskInPlace(gs, ys);
                        dxb.put(base, gs);
                    }
                    sumG += sum(gs);
                    sumGx += sumProduct(gs, xs, mu);
                }
                double invstd = 1 / Math.sqrt(v[ch] + eps);
                double a = g[ch] * invstd;
                float scaleG = (float) a;
                float scaleX = (float) (-a * invstd * invstd * sumGx / count);
                float offset = (float) (-a * sumG / count - scaleX * mu);
                // pass 2: dx = scaleG * g + scaleX * x + offset
                FloatBuffer source = relu ? dxb : gb;
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * hw;
                    xb.get(base, xs);
                    source.get(base, gs);
                    for (int k = 0; k < hw; k++) {
                        xs[k] = scaleG * gs[k] + scaleX * xs[k] + offset;
                    }
                    dxb.put(base, xs);
                }
                db[ch] = sumG;
                dg[ch] = sumGx * invstd;
            });
        } else {
            DoubleBuffer xb = doubles(x);
            DoubleBuffer gb = doubles(dy);
            DoubleBuffer yb = relu ? doubles(reluOutput) : null;
            DoubleBuffer dxb = doubles(dx);
            forEachChannel(c, ch -> {
                double mu = m[ch];
                double sumG = 0;
                double sumGx = 0;
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * hw;
                    for (int k = base; k < base + hw; k++) {
                        double gk = relu && yb.get(k) <= 0 ? 0 : gb.get(k);
                        sumG += gk;
                        sumGx += gk * (xb.get(k) - mu);
                    }
                }
                double invstd = 1 / Math.sqrt(v[ch] + eps);
                double a = g[ch] * invstd;
                double scaleX = -a * invstd * invstd * sumGx / count;
                double offset = -a * sumG / count;
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * hw;
                    for (int k = base; k < base + hw; k++) {
                        double gk = relu && yb.get(k) <= 0 ? 0 : gb.get(k);
                        dxb.put(k, a * gk + scaleX * (xb.get(k) - mu) + offset);
                    }
                }
                db[ch] = sumG;
                dg[ch] = sumGx * invstd;
            });
        }
        put(dGamma, dg);
        put(dBeta, db);
    }

    // ---------------------------------------------------------------------------------------------
    // loops: four independent float accumulators each (C2 does not vectorise a float reduction,
    // so one accumulator would be bound by the latency of one add per element)

    /** {@code g[k] = 0} where {@code y[k] <= 0}. */
    private static void maskInPlace(float[] g, float[] y) {
        for (int k = 0; k < g.length; k++) {
            g[k] = y[k] > 0f ? g[k] : 0f;
        }
    }

    private static double sum(float[] a) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < a.length; k += 4) {
            s0 += a[k];
            s1 += a[k + 1];
            s2 += a[k + 2];
            s3 += a[k + 3];
        }
        for (; k < a.length; k++) {
            s0 += a[k];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    /** {@code sum(a[k] * (b[k] - shift))}. */
    private static double sumProduct(float[] a, float[] b, float shift) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < a.length; k += 4) {
            s0 += a[k] * (b[k] - shift);
            s1 += a[k + 1] * (b[k + 1] - shift);
            s2 += a[k + 2] * (b[k + 2] - shift);
            s3 += a[k + 3] * (b[k + 3] - shift);
        }
        for (; k < a.length; k++) {
            s0 += a[k] * (b[k] - shift);
        }
        return (double) s0 + s1 + s2 + s3;
    }

    /** {@code sum((a[k] - shift)^2)}. */
    private static double sumSquares(float[] a, float shift) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < a.length; k += 4) {
            float d0 = a[k] - shift, d1 = a[k + 1] - shift, d2 = a[k + 2] - shift, d3 = a[k + 3] - shift;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; k < a.length; k++) {
            float d = a[k] - shift;
            s0 += d * d;
        }
        return (double) s0 + s1 + s2 + s3;
    }

    // ---------------------------------------------------------------------------------------------
    // buffers

    /** The float buffer of {@code a}, positioned so that index 0 is {@code a}'s first element. */
    private static FloatBuffer floats(INDArray a) {
        FloatBuffer b = a.data().asNioFloat();
        return b.position((int) a.offset()).slice();
    }

    private static DoubleBuffer doubles(INDArray a) {
        DoubleBuffer b = a.data().asNioDouble();
        return b.position((int) a.offset()).slice();
    }

    private static double[] get(INDArray vector) {
        return vector.toDoubleVector();
    }

    /** Writes into {@code vector} itself (a [C] or [1, C] view), element by element. */
    private static void put(INDArray vector, double[] values) {
        for (int i = 0; i < values.length; i++) {
            vector.putScalar(i, values[i]);
        }
    }
}
