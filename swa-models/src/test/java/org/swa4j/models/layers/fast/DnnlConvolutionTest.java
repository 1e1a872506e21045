package org.swa4j.models.layers.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link DnnlConvolution} against a direct double-precision convolution written out here as loops
 * (forward, dL/dx, dL/dW, dL/db from their definitions), for kernels 1 and 3, strides 1 and 2, padding
 * 0 and 1, odd sizes, one to 32 channels, with and without bias, and arrays that are views at an offset
 * into a larger buffer, as DL4J's parameter and gradient views are.
 */
class DnnlConvolutionTest {

    /** Float against double: each output sums at most a few hundred products of values of order 1. */
    private static final double TOLERANCE = 2e-5;

    private record Case(int n, int c, int h, int w, int o, int k, int s, int p, boolean bias) {
        int outH() {
            return (h + 2 * p - k) / s + 1;
        }

        int outW() {
            return (w + 2 * p - k) / s + 1;
        }
    }

    private static double[] random(int length, Random r) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static double[] forwardReference(Case t, double[] x, double[] w, double[] b) {
        int oh = t.outH(), ow = t.outW();
        double[] y = new double[t.n() * t.o() * oh * ow];
        for (int n = 0; n < t.n(); n++) {
            for (int o = 0; o < t.o(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = b == null ? 0 : b[o];
                        for (int c = 0; c < t.c(); c++) {
                            for (int ki = 0; ki < t.k(); ki++) {
                                for (int kj = 0; kj < t.k(); kj++) {
                                    int hi = i * t.s() - t.p() + ki, wj = j * t.s() - t.p() + kj;
                                    if (hi >= 0 && hi < t.h() && wj >= 0 && wj < t.w()) {
                                        s += x[((n * t.c() + c) * t.h() + hi) * t.w() + wj]
                                                * w[((o * t.c() + c) * t.k() + ki) * t.k() + kj];
                                    }
                                }
                            }
                        }
                        y[((n * t.o() + o) * oh + i) * ow + j] = s;
                    }
                }
            }
        }
        return y;
    }

    /** {dx, dw, db} of L = sum(dy * conv(x, w)), accumulated term by term. */
    private static double[][] backwardReference(Case t, double[] x, double[] w, double[] dy) {
        int oh = t.outH(), ow = t.outW();
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        double[] db = new double[t.o()];
        for (int n = 0; n < t.n(); n++) {
            for (int o = 0; o < t.o(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double g = dy[((n * t.o() + o) * oh + i) * ow + j];
                        db[o] += g;
                        for (int c = 0; c < t.c(); c++) {
                            for (int ki = 0; ki < t.k(); ki++) {
                                for (int kj = 0; kj < t.k(); kj++) {
                                    int hi = i * t.s() - t.p() + ki, wj = j * t.s() - t.p() + kj;
                                    if (hi >= 0 && hi < t.h() && wj >= 0 && wj < t.w()) {
                                        int xi = ((n * t.c() + c) * t.h() + hi) * t.w() + wj;
                                        int wi = ((o * t.c() + c) * t.k() + ki) * t.k() + kj;
                                        dx[xi] += g * w[wi];
                                        dw[wi] += g * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {dx, dw, db};
    }

    private static final double GUARD = -7.0;

    /**
     * A float array holding {@code v}, as a view that starts {@code offset} elements into a larger
     * buffer filled with {@link #GUARD}; the buffer is added to {@code buffers}.
     */
    private static INDArray floatView(List<INDArray> buffers, double[] v, int offset, long... shape) {
        INDArray buffer = Nd4j.create(DataType.FLOAT, offset + v.length + 3);
        buffer.assign(GUARD);
        INDArray view = buffer.get(NDArrayIndex.interval(offset, offset + v.length)).reshape(shape);
        view.assign(Nd4j.createFromArray(v).castTo(DataType.FLOAT).reshape(shape));
        assertTrue(view.isView(), "test setup: the array must be a view into the larger buffer");
        buffers.add(buffer.get(NDArrayIndex.interval(0, offset)));
        buffers.add(buffer.get(NDArrayIndex.interval(offset + v.length, offset + v.length + 3)));
        return view;
    }

    private static void assertClose(double[] expected, INDArray actual, String what) {
        double[] a = actual.castTo(DataType.DOUBLE).data().asDouble();
        assertEquals(expected.length, a.length, what + " length");
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], a[i], TOLERANCE * scale, what + " at flat index " + i);
        }
    }

    @Test
    void isUsedForFloatArraysOnTheCpuBackend() {
        assertTrue(DnnlConvolution.enabled(), "the oneDNN natives should load with the cpu profile");
        assertTrue(Convolutions.engine().matches("oneDNN \\d+\\.\\d+\\.\\d+ \\(direct, ISA [a-z0-9_]+\\)"),
                Convolutions.engine());
        INDArray f = Nd4j.create(DataType.FLOAT, 2, 3, 4, 4);
        assertTrue(DnnlConvolution.supports(f, Nd4j.create(DataType.FLOAT, 5, 3, 3, 3)));
        assertTrue(!DnnlConvolution.supports(f.castTo(DataType.DOUBLE)), "double stays with libnd4j");
        assertTrue(!DnnlConvolution.supports(f.permute(0, 2, 3, 1)), "a permuted (non-contiguous) array is not NCHW");
        // A network's first layer sees [N, 1, 28, 28] reshaped from [N, 784]: strides [784, 784, 28, 1].
        // ND4J's Shape.hasDefaultStridesForShape rejects it, which sent such layers to libnd4j before.
        INDArray image = Nd4j.create(DataType.FLOAT, 4, 784).reshape(4, 1, 28, 28);
        assertTrue(DnnlConvolution.supports(image, Nd4j.create(DataType.FLOAT, 8, 1, 3, 3)), image.shapeInfoToString());
    }

    /** n, c, h, w, o, k, s, p, bias: kernels 1 and 3, strides 1 and 2, padding 0 and 1, odd sizes, 1 to 32 channels. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(4, 3, 9, 9, 8, 3, 1, 1, true),
                Arguments.of(5, 16, 8, 8, 16, 3, 2, 1, false),
                Arguments.of(3, 8, 7, 7, 12, 1, 2, 0, true),
                Arguments.of(2, 1, 28, 28, 32, 3, 1, 1, false),
                Arguments.of(6, 32, 5, 6, 16, 3, 1, 0, true),
                Arguments.of(3, 16, 8, 8, 32, 1, 1, 0, false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardAndBackwardEqualTheDefinition(int n, int c, int h, int w, int o, int k, int s, int p, boolean bias) {
        check(new Case(n, c, h, w, o, k, s, p, bias), 11L * n + c, false);
    }

    /** The same cases channels last: activations and their gradients [N, H, W, C], weights OIHW. */
    @ParameterizedTest
    @MethodSource("cases")
    void channelsLastForwardAndBackwardEqualTheDefinition(int n, int c, int h, int w, int o, int k, int s, int p,
            boolean bias) {
        check(new Case(n, c, h, w, o, k, s, p, bias), 13L * n + c, true);
    }

    /** {@code v}, NCHW-ordered values of an [n, c, h, w] array, reordered to NHWC. */
    private static double[] toNhwc(double[] v, int n, int c, int h, int w) {
        double[] out = new double[v.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[((i * h + y) * w + x) * c + ch] = v[((i * c + ch) * h + y) * w + x];
                    }
                }
            }
        }
        return out;
    }

    /** An activation view: [n, c, h, w] values given NCHW-ordered, stored NCHW or (nhwc) NHWC. */
    private static INDArray activation(List<INDArray> outside, double[] v, int offset, boolean nhwc, int n, int c, int h,
            int w) {
        return nhwc ? floatView(outside, toNhwc(v, n, c, h, w), offset, n, h, w, c) : floatView(outside, v, offset, n, c, h, w);
    }

    /** {@code a} as NCHW, whichever layout it is stored in. */
    private static INDArray nchw(INDArray a, boolean nhwc) {
        return nhwc ? a.permute(0, 3, 1, 2).dup('c') : a;
    }

    private static void check(Case t, long seed, boolean nhwc) {
        Random r = new Random(seed);
        double[] x = random(t.n() * t.c() * t.h() * t.w(), r);
        double[] w = random(t.o() * t.c() * t.k() * t.k(), r);
        double[] b = t.bias() ? random(t.o(), r) : null;
        double[] dy = random(t.n() * t.o() * t.outH() * t.outW(), r);

        List<INDArray> outside = new ArrayList<>();
        INDArray xa = activation(outside, x, 5, nhwc, t.n(), t.c(), t.h(), t.w());
        INDArray wa = floatView(outside, w, 3, t.o(), t.c(), t.k(), t.k());
        INDArray ba = b == null ? null : floatView(outside, b, 2, t.o());
        INDArray dya = activation(outside, dy, 1, nhwc, t.n(), t.o(), t.outH(), t.outW());
        INDArray ya = activation(outside, new double[dy.length], 4, nhwc, t.n(), t.o(), t.outH(), t.outW());
        INDArray dxa = activation(outside, new double[x.length], 6, nhwc, t.n(), t.c(), t.h(), t.w());
        INDArray dwa = floatView(outside, new double[w.length], 7, t.o(), t.c(), t.k(), t.k());
        INDArray dba = b == null ? null : floatView(outside, new double[t.o()], 8, t.o());

        DnnlConvolution.forward(xa, wa, ba, t.k(), t.s(), t.p(), nhwc, ya);
        DnnlConvolution.backward(xa, wa, dya, t.k(), t.s(), t.p(), nhwc, dxa, dwa, dba);

        assertClose(forwardReference(t, x, w, b), nchw(ya, nhwc), t + " y");
        double[][] grads = backwardReference(t, x, w, dy);
        assertClose(grads[0], nchw(dxa, nhwc), t + " dL/dx");
        assertClose(grads[1], dwa, t + " dL/dW");
        if (b != null) {
            assertClose(grads[2], dba, t + " dL/db");
        }
        for (INDArray guard : outside) {
            for (double g : guard.castTo(DataType.DOUBLE).data().asDouble()) {
                assertEquals(GUARD, g, 0.0, t + ": written outside a view");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"4, 3, 9, 9, 8, 3, 1, 1", "3, 16, 8, 8, 16, 3, 2, 1", "2, 8, 7, 7, 12, 1, 1, 0"})
    void forwardWithReluPostOpIsReluOfTheDefinition(int n, int c, int h, int w, int o, int k, int s, int p) {
        Case t = new Case(n, c, h, w, o, k, s, p, true);
        Random r = new Random(40L + n * c);
        double[] x = random(t.n() * t.c() * t.h() * t.w(), r);
        double[] wt = random(t.o() * t.c() * t.k() * t.k(), r);
        double[] b = random(t.o(), r);
        List<INDArray> outside = new ArrayList<>();
        INDArray y = floatView(outside, new double[t.n() * t.o() * t.outH() * t.outW()], 3, t.n(), t.o(), t.outH(), t.outW());
        DnnlConvolution.forwardRelu(floatView(outside, x, 1, t.n(), t.c(), t.h(), t.w()),
                floatView(outside, wt, 2, t.o(), t.c(), t.k(), t.k()), floatView(outside, b, 4, t.o()), t.k(), t.s(), t.p(), false, y);
        double[] expected = forwardReference(t, x, wt, b);
        int clipped = 0;
        for (int i = 0; i < expected.length; i++) {
            clipped += expected[i] < 0 ? 1 : 0;
            expected[i] = Math.max(expected[i], 0);
        }
        assertTrue(clipped > expected.length / 4, "test setup: a good share of the outputs is negative before the ReLU");
        assertClose(expected, y, t + " relu(conv + b)");
        for (INDArray guard : outside) {
            for (double g : guard.castTo(DataType.DOUBLE).data().asDouble()) {
                assertEquals(GUARD, g, 0.0, t + ": written outside a view");
            }
        }
    }

    @Test
    void wrongOutputShapesAreRejectedBeforeOneDnnWritesAnything() {
        INDArray x = Nd4j.create(DataType.FLOAT, 2, 3, 8, 8);
        INDArray w = Nd4j.create(DataType.FLOAT, 4, 3, 3, 3);
        INDArray y = Nd4j.create(DataType.FLOAT, 2, 4, 8, 8);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DnnlConvolution.forward(x, w, null, 3, 2, 1, false, y));
        assertTrue(e.getMessage().contains("output has shape [2, 4, 8, 8], expected [2, 4, 4, 4]"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DnnlConvolution.backward(x, w, y, 3, 1, 1, false, Nd4j.create(DataType.FLOAT, 2, 3, 8, 7), w.like(), null));
        assertTrue(e.getMessage().contains("input gradient has shape [2, 3, 8, 7]"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DnnlConvolution.forward(x, Nd4j.create(DataType.FLOAT, 4, 2, 3, 3), null, 3, 1, 1, false, y));
        assertTrue(e.getMessage().contains("weights [4, 2, 3, 3]"), e.getMessage());
    }

    @Test
    void libnd4jFallbackGivesTheBiasGradientWithoutTheBiasValues() {
        // double arrays take libnd4j's conv2d_bp, which needs a bias input to produce dL/db
        Case t = new Case(2, 3, 5, 5, 4, 3, 1, 1, true);
        Random r = new Random(5);
        double[] x = random(t.n() * t.c() * t.h() * t.w(), r);
        double[] w = random(t.o() * t.c() * t.k() * t.k(), r);
        double[] dy = random(t.n() * t.o() * t.outH() * t.outW(), r);
        INDArray dx = Nd4j.create(DataType.DOUBLE, t.n(), t.c(), t.h(), t.w());
        INDArray dw = Nd4j.create(DataType.DOUBLE, t.o(), t.c(), t.k(), t.k());
        INDArray db = Nd4j.create(DataType.DOUBLE, t.o());
        Convolutions.backward(Nd4j.create(x, new long[] {t.n(), t.c(), t.h(), t.w()}, DataType.DOUBLE),
                Nd4j.create(w, new long[] {t.o(), t.c(), t.k(), t.k()}, DataType.DOUBLE),
                Nd4j.create(dy, new long[] {t.n(), t.o(), t.outH(), t.outW()}, DataType.DOUBLE), t.k(), t.s(), t.p(), dx, dw, db);
        double[][] expected = backwardReference(t, x, w, dy);
        assertClose(expected[0], dx, "double dL/dx");
        assertClose(expected[1], dw, "double dL/dW");
        assertClose(expected[2], db, "double dL/db");
    }

    @Test
    void shapesAlternatingOnOneThreadEachKeepTheirOwnPlan() {
        Case small = new Case(2, 4, 6, 6, 8, 3, 1, 1, false);
        Case large = new Case(3, 8, 10, 10, 16, 3, 2, 1, true);
        for (int round = 0; round < 3; round++) {
            check(small, 100 + round, false);
            check(large, 200 + round, false);
        }
    }

    @Test
    void threadsRunTheirOwnPlansConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                long seed = 300 + i;
                runs.add(pool.submit(() -> check(new Case(4, 8, 9, 9, 8, 3, 1, 1, seed % 2 == 0), seed, seed % 3 == 0)));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
