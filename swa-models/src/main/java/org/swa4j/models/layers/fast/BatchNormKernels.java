package org.swa4j.models.layers.fast;

import java.nio.DoubleBuffer;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training-mode BatchNorm (+ ReLU) on contiguous NCHW (and, below, NHWC) arrays in plain Java, one
 * pass per reduction, channels split across threads.
 *
 * <p>Why not libnd4j's ops: at [128, 16, 32, 32] on the 2-core development machine {@code moments}
 * takes 2.5 ms, {@code batchnorm} 2.6 ms, {@code relu_bp} 2.7 ms and {@code batchnorm_bp} 14.8 ms
 * (its OneDNN path allocates full-size temporaries for the gradients of mean and variance), while
 * PyTorch 1.13 runs the whole BatchNorm forward and backward in 3.3 ms. Each kernel here reads and
 * writes each array the minimum number of times: backward 3.2 against 20.6 ms for {@code relu_bp} +
 * {@code batchnorm_bp} at [128, 16, 32, 32] (docs/fast-layers.md has the figures).
 *
 * <p>Formulas, per channel c over the M = N*H*W values of x (biased variance, as in training):
 * <pre>
 *   mean = sum(x) / M,  var = sum((x - mean)^2) / M,  invstd = 1 / sqrt(var + eps)
 *   forward:  y = gamma * (x - mean) * invstd + beta          (then max(y, 0) if relu)
 *   backward: g = dy * [y > 0] (relu) or dy;  dbeta = sum(g);  dgamma = invstd * sum(g * (x - mean))
 *             dx = gamma * invstd * (g - dbeta / M - (x - mean) * invstd * dgamma / M)
 * </pre>
 * Sums are accumulated in double. The moments are accumulated around a per-channel shift (the
 * channel's first value), so that a large mean does not cancel the variance. Float arrays are read
 * and written in place through {@link OffHeap}; double arrays (used by the gradient checks) through
 * NIO buffers.
 *
 * <p>Every method takes {@code nhwc}: channels-last arrays ([N, H, W, C]) go to
 * {@link ChannelsLastKernels} in float; in double (gradient checks only) they are transposed to NCHW,
 * computed by the NCHW loops here, and the results transposed back.
 */
final class BatchNormKernels {

    private BatchNormKernels() {
    }

    /**
     * Whether {@code x} can use these kernels: a contiguous 'c'-order rank-4 float or double array in
     * host memory (ND4J's CPU backend; on CUDA the libnd4j ops run instead).
     */
    static boolean supports(INDArray x) {
        return NativeArrays.cpuBackend() && x.rank() == 4 && NativeArrays.isDenseC(x)
                && (x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE);
    }

    private static void forEachChannel(long channels, java.util.function.IntConsumer body) {
        IntStream.range(0, (int) channels).parallel().forEach(body);
    }

    // ---------------------------------------------------------------------------------------------
    // moments

    /** Writes the per-channel mean and biased variance of x into {@code mean} and {@code var} ([C]). */
    static void moments(INDArray x, INDArray mean, INDArray var, boolean nhwc) {
        if (nhwc) {
            if (x.dataType() == DataType.FLOAT) {
                double[][] mv = ChannelsLastKernels.moments(OffHeap.address(x), x.size(0), x.size(1), x.size(2), x.size(3));
                put(mean, mv[0]);
                put(var, mv[1]);
            } else {
                moments(toNchw(x), mean, var, false);
            }
            return;
        }
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int hw = (int) (x.size(2) * x.size(3));
        double[] m = new double[c];
        double[] v = new double[c];
        if (x.dataType() == DataType.FLOAT) {
            long xa = OffHeap.address(x);
            forEachChannel(c, ch -> {
                double[] mv = channelMoments(xa, n, c, hw, ch);
                m[ch] = mv[0];
                v[ch] = mv[1];
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

    /** {mean, biased variance} of channel {@code ch} of the float NCHW array at {@code xa}, summed around its first element. */
    private static double[] channelMoments(long xa, int n, int c, int hw, int ch) {
        float shift = OffHeap.getFloat(xa, (long) ch * hw);
        double[] sums = new double[2];
        for (int i = 0; i < n; i++) {
            shiftedSums(xa, ((long) i * c + ch) * hw, hw, shift, sums);
        }
        double count = (double) n * hw;
        double ds = sums[0] / count;
        return new double[] {shift + ds, Math.max(sums[1] / count - ds * ds, 0)};
    }

    // ---------------------------------------------------------------------------------------------
    // forward

    /**
     * Training-mode forward: the batch moments of each channel, written to {@code mean} and
     * {@code var}, then that channel normalised (+ReLU) into {@code out}, in one parallel pass over the
     * channels. A channel's planes are read the second time from cache rather than memory, and the
     * channels are handed to the worker threads once instead of twice. The result is exactly that of
     * {@link #moments} followed by {@link #normalize}: in float the moments are rounded to float before
     * they are used, as when they are read back from {@code mean} and {@code var}.
     */
    static void trainingForward(INDArray x, INDArray gamma, INDArray beta, double eps, boolean relu, INDArray out,
            INDArray mean, INDArray var, boolean nhwc) {
        if (x.dataType() != DataType.FLOAT || nhwc) {
            // channels last: every channel is in every row, so the moments need a pass of their own
            moments(x, mean, var, nhwc);
            normalize(x, mean, var, gamma, beta, eps, relu, out, nhwc);
            return;
        }
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int hw = (int) (x.size(2) * x.size(3));
        double[] m = new double[c];
        double[] v = new double[c];
        double[] g = get(gamma);
        double[] b = get(beta);
        long xa = OffHeap.address(x);
        long oa = OffHeap.address(out);
        forEachChannel(c, ch -> {
            double[] mv = channelMoments(xa, n, c, hw, ch);
            m[ch] = (float) mv[0];
            v[ch] = (float) mv[1];
            normalizeChannel(xa, oa, n, c, hw, ch, m[ch], v[ch], g[ch], b[ch], eps, relu);
        });
        put(mean, m);
        put(var, v);
    }

    /** Channel {@code ch} of the float NCHW arrays at {@code xa} (in) and {@code oa} (out): relu?(gamma (x - mean) / sqrt(var + eps) + beta). */
    private static void normalizeChannel(long xa, long oa, int n, int c, int hw, int ch, double mean, double var,
            double gamma, double beta, double eps, boolean relu) {
        double a = gamma / Math.sqrt(var + eps);
        float scale = (float) a;
        float offset = (float) (beta - mean * a);
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            affine(xa, oa, ((long) i * c + ch) * hw, hw, scale, offset, floor);
        }
    }

    /** {@code out = gamma * (x - mean) / sqrt(var + eps) + beta}, then ReLU in place if {@code relu}. */
    static void normalize(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps,
            boolean relu, INDArray out, boolean nhwc) {
        if (nhwc) {
            if (x.dataType() == DataType.FLOAT) {
                double[] m = get(mean);
                double[] v = get(var);
                double[] g = get(gamma);
                double[] b = get(beta);
                double[] scale = new double[m.length];
                double[] offset = new double[m.length];
                for (int ch = 0; ch < m.length; ch++) {
                    // as normalizeChannel: the float moments, coefficients rounded to float
                    double a = g[ch] / Math.sqrt((float) v[ch] + eps);
                    scale[ch] = (float) a;
                    offset[ch] = (float) (b[ch] - (float) m[ch] * a);
                }
                ChannelsLastKernels.affine(OffHeap.address(x), OffHeap.address(out), x.size(0), x.size(1), x.size(2),
                        x.size(3), scale, offset, relu ? 0f : Float.NEGATIVE_INFINITY);
            } else {
                INDArray o = toNchw(out);
                normalize(toNchw(x), mean, var, gamma, beta, eps, relu, o, false);
                out.assign(o.permute(0, 2, 3, 1));
            }
            return;
        }
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int hw = (int) (x.size(2) * x.size(3));
        double[] m = get(mean);
        double[] v = get(var);
        double[] g = get(gamma);
        double[] b = get(beta);
        if (x.dataType() == DataType.FLOAT) {
            long xa = OffHeap.address(x);
            long oa = OffHeap.address(out);
            forEachChannel(c, ch -> normalizeChannel(xa, oa, n, c, hw, ch, m[ch], v[ch], g[ch], b[ch], eps, relu));
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
            double eps, INDArray dx, INDArray dGamma, INDArray dBeta, boolean nhwc) {
        if (nhwc) {
            if (x.dataType() == DataType.FLOAT) {
                channelsLastBackward(x, dy, reluOutput, mean, var, gamma, eps, dx, dGamma, dBeta);
            } else {
                INDArray d = toNchw(dx);
                backward(toNchw(x), toNchw(dy), reluOutput == null ? null : toNchw(reluOutput), mean, var, gamma, eps, d,
                        dGamma, dBeta, false);
                dx.assign(d.permute(0, 2, 3, 1));
            }
            return;
        }
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
            long xa = OffHeap.address(x);
            long ga = OffHeap.address(dy);
            long ya = relu ? OffHeap.address(reluOutput) : 0;
            long dxa = OffHeap.address(dx);
            forEachChannel(c, ch -> {
                float mu = (float) m[ch];
                double[] sums = new double[2];
                for (int i = 0; i < n; i++) {
                    gradientSums(xa, ga, ya, ((long) i * c + ch) * hw, hw, mu, sums);
                }
                double invstd = 1 / Math.sqrt(v[ch] + eps);
                double a = g[ch] * invstd;
                float scaleG = (float) a;
                float scaleX = (float) (-a * invstd * invstd * sums[1] / count);
                float offset = (float) (-a * sums[0] / count - scaleX * mu);
                for (int i = 0; i < n; i++) {
                    inputGradient(xa, ga, ya, dxa, ((long) i * c + ch) * hw, hw, scaleG, scaleX, offset);
                }
                db[ch] = sums[0];
                dg[ch] = sums[1] * invstd;
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

    /** The float channels-last backward: the same formulas as the NCHW loops above. */
    private static void channelsLastBackward(INDArray x, INDArray dy, INDArray reluOutput, INDArray mean, INDArray var,
            INDArray gamma, double eps, INDArray dx, INDArray dGamma, INDArray dBeta) {
        long n = x.size(0);
        long h = x.size(1);
        long w = x.size(2);
        int c = (int) x.size(3);
        double count = (double) n * h * w;
        double[] m = get(mean);
        double[] v = get(var);
        double[] g = get(gamma);
        double[] mu = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mu[ch] = (float) m[ch];
        }
        long xa = OffHeap.address(x);
        long ga = OffHeap.address(dy);
        long ya = reluOutput == null ? 0 : OffHeap.address(reluOutput);
        double[] sums = ChannelsLastKernels.gradientSums(xa, ga, ya, n, h, w, c, mu);
        double[] scaleG = new double[c];
        double[] scaleX = new double[c];
        double[] offset = new double[c];
        double[] dg = new double[c];
        double[] db = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double invstd = 1 / Math.sqrt(v[ch] + eps);
            double a = g[ch] * invstd;
            float sx = (float) (-a * invstd * invstd * sums[c + ch] / count);
            scaleG[ch] = (float) a;
            scaleX[ch] = sx;
            offset[ch] = (float) (-a * sums[ch] / count - sx * (float) mu[ch]);
            db[ch] = sums[ch];
            dg[ch] = sums[c + ch] * invstd;
        }
        ChannelsLastKernels.inputGradient(xa, ga, ya, OffHeap.address(dx), n, h, w, c, scaleG, scaleX, offset);
        put(dGamma, dg);
        put(dBeta, db);
    }

    /** A C-order NCHW copy of an NHWC array (for the double-precision path). */
    private static INDArray toNchw(INDArray nhwc) {
        return nhwc.permute(0, 3, 1, 2).dup('c');
    }

    // ---------------------------------------------------------------------------------------------
    // float loops over native memory (OffHeap): four independent float accumulators per sum, because
    // C2 does not vectorise a float reduction and one accumulator would be bound by the latency of one
    // add per element; partial sums of one (n, c) plane go to double

    /**
     * Adds {@code sum(g)} and {@code sum(g * (x - mu))} over elements [base, base + len) to
     * {@code sums[0]} and {@code sums[1]}, where g is the masked gradient.
     */
    private static void gradientSums(long xa, long ga, long ya, long base, int len, float mu, double[] sums) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            long o = base + k;
            float g0 = maskedGradient(ga, ya, o);
            float g1 = maskedGradient(ga, ya, o + 1);
            float g2 = maskedGradient(ga, ya, o + 2);
            float g3 = maskedGradient(ga, ya, o + 3);
            s0 += g0;
            s1 += g1;
            s2 += g2;
            s3 += g3;
            p0 += g0 * (OffHeap.getFloat(xa, o) - mu);
            p1 += g1 * (OffHeap.getFloat(xa, o + 1) - mu);
            p2 += g2 * (OffHeap.getFloat(xa, o + 2) - mu);
            p3 += g3 * (OffHeap.getFloat(xa, o + 3) - mu);
        }
        for (; k < len; k++) {
            float g0 = maskedGradient(ga, ya, base + k);
            s0 += g0;
            p0 += g0 * (OffHeap.getFloat(xa, base + k) - mu);
        }
        sums[0] += (double) s0 + s1 + s2 + s3;
        sums[1] += (double) p0 + p1 + p2 + p3;
    }

    /** Adds {@code sum(x - shift)} and {@code sum((x - shift)^2)} over [base, base + len) to {@code sums}. */
    private static void shiftedSums(long xa, long base, int len, float shift, double[] sums) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            long o = base + k;
            float d0 = OffHeap.getFloat(xa, o) - shift;
            float d1 = OffHeap.getFloat(xa, o + 1) - shift;
            float d2 = OffHeap.getFloat(xa, o + 2) - shift;
            float d3 = OffHeap.getFloat(xa, o + 3) - shift;
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            q0 += d0 * d0;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
        }
        for (; k < len; k++) {
            float d = OffHeap.getFloat(xa, base + k) - shift;
            s0 += d;
            q0 += d * d;
        }
        sums[0] += (double) s0 + s1 + s2 + s3;
        sums[1] += (double) q0 + q1 + q2 + q3;
    }

    /** Elements per chunk of {@link #affine}: 8 KiB, well inside a core's L1 data cache. */
    private static final int CHUNK = 2048;
    private static final ThreadLocal<float[]> CHUNKS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /**
     * {@code out = max(scale * x + offset, floor)} over [base, base + len), chunk by chunk through a
     * small Java array: C2 vectorises the loop over the array but not over {@code Unsafe} accesses, and
     * the two copies stay in L1. At [128, 16, 32, 32] this took 0.4-0.7 against 0.8-1.3 ms element by
     * element (docs/fast-layers.md).
     */
    private static void affine(long xa, long oa, long base, int len, float scale, float offset, float floor) {
        float[] chunk = CHUNKS.get();
        for (int start = 0; start < len; start += CHUNK) {
            int m = Math.min(CHUNK, len - start);
            OffHeap.copyToArray(xa, base + start, chunk, m);
            for (int k = 0; k < m; k++) {
                chunk[k] = Math.max(scale * chunk[k] + offset, floor);
            }
            OffHeap.copyFromArray(chunk, oa, base + start, m);
        }
    }

    /** {@code dx = scaleG * g + scaleX * x + offset} over elements [base, base + len). */
    private static void inputGradient(long xa, long ga, long ya, long dxa, long base, int len, float scaleG,
            float scaleX, float offset) {
        for (long o = base; o < base + len; o++) {
            OffHeap.putFloat(dxa, o, scaleG * maskedGradient(ga, ya, o) + scaleX * OffHeap.getFloat(xa, o) + offset);
        }
    }

    /**
     * dy at element {@code o}, or 0 where a ReLU output ({@code ya != 0}) is not positive. Branch-free:
     * the ReLU mask is random, and a branch on it mispredicted often enough to make the backward pass
     * 4x slower. {@code y > 0} exactly when y's bit pattern b is positive as an int;
     * {@code (-b & ~b) >> 31} is then all ones, else 0 (also for -0.0f, whose b is Integer.MIN_VALUE).
     */
    private static float maskedGradient(long ga, long ya, long o) {
        float g = OffHeap.getFloat(ga, o);
        if (ya == 0) {
            return g;
        }
        int b = Float.floatToRawIntBits(OffHeap.getFloat(ya, o));
        int mask = (-b & ~b) >> 31;
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & mask);
    }

    // ---------------------------------------------------------------------------------------------
    // buffers

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
