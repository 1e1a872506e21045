package org.swa4j.models.layers.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link BatchNormKernels} against a plain double-precision reference written here: two-pass
 * moments, the normalisation formula element by element, and the backward pass checked by central
 * differences of {@code L = sum(dy * relu?(bn(x)))} with respect to x, gamma and beta.
 */
class BatchNormKernelsTest {

    private static final double EPS = 1e-5;

    /** [n, c, h, w] values with per-channel offsets far from zero, so that a naive E[x^2] - E[x]^2 would cancel. */
    private static double[] values(int n, int c, int h, int w, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            int ch = (i / (h * w)) % c;
            v[i] = 50.0 * (ch + 1) + (0.5 + ch) * r.nextGaussian();
        }
        return v;
    }

    private static double[][] referenceMoments(double[] x, int n, int c, int hw) {
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < hw; k++) {
                    s += x[(i * c + ch) * hw + k];
                }
            }
            mean[ch] = s / (n * hw);
            double q = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < hw; k++) {
                    double d = x[(i * c + ch) * hw + k] - mean[ch];
                    q += d * d;
                }
            }
            var[ch] = q / (n * hw);
        }
        return new double[][] {mean, var};
    }

    /** relu?(gamma * (x - mean) / sqrt(var + eps) + beta) with the batch's own moments. */
    private static double[] referenceForward(double[] x, double[] gamma, double[] beta, int n, int c, int hw,
            boolean relu) {
        double[][] m = referenceMoments(x, n, c, hw);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / hw) % c;
            double v = gamma[ch] * (x[i] - m[0][ch]) / Math.sqrt(m[1][ch] + EPS) + beta[ch];
            y[i] = relu ? Math.max(v, 0) : v;
        }
        return y;
    }

    private static double loss(double[] x, double[] gamma, double[] beta, double[] dy, int n, int c, int hw,
            boolean relu) {
        double[] y = referenceForward(x, gamma, beta, n, c, hw, relu);
        double l = 0;
        for (int i = 0; i < y.length; i++) {
            l += dy[i] * y[i];
        }
        return l;
    }

    private static INDArray array(double[] v, DataType type, long... shape) {
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void momentsEqualTwoPassMomentsDespiteLargeMeans(String typeName) {
        DataType type = DataType.valueOf(typeName);
        int n = 3, c = 4, h = 5, w = 7; // odd spatial size: the unrolled loops' tails
        double[] x = values(n, c, h, w, 1);
        if (type == DataType.FLOAT) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) x[i]; // the reference sees exactly the float inputs
            }
        }
        INDArray mean = Nd4j.create(type, c);
        INDArray var = Nd4j.create(type, c);
        BatchNormKernels.moments(array(x, type, n, c, h, w), mean, var, false);
        double[][] expected = referenceMoments(x, n, c, h * w);
        for (int ch = 0; ch < c; ch++) {
            assertEquals(expected[0][ch], mean.getDouble(ch), type == DataType.FLOAT ? 2e-5 * expected[0][ch] : 1e-10);
            // the variances are 0.25 .. 12; a float E[x^2] - E[x]^2 at means of 50..200 would be off by whole units
            assertEquals(expected[1][ch], var.getDouble(ch), type == DataType.FLOAT ? 1e-4 * expected[1][ch] + 1e-5 : 1e-9);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void normalizeIsTheFormula(boolean relu) {
        int n = 2, c = 3, h = 4, w = 5;
        double[] x = values(n, c, h, w, 2);
        double[] gamma = {0.5, -1.5, 2.0};
        double[] beta = {0.1, 0.0, -0.3};
        double[][] m = referenceMoments(x, n, c, h * w);
        INDArray out = Nd4j.create(DataType.DOUBLE, n, c, h, w);
        BatchNormKernels.normalize(array(x, DataType.DOUBLE, n, c, h, w), array(m[0], DataType.DOUBLE, c),
                array(m[1], DataType.DOUBLE, c), array(gamma, DataType.DOUBLE, c), array(beta, DataType.DOUBLE, c),
                EPS, relu, out, false);
        double[] expected = referenceForward(x, gamma, beta, n, c, h * w, relu);
        double[] actual = out.data().asDouble();
        boolean anyClipped = false;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12, "element " + i);
            anyClipped |= relu && expected[i] == 0;
        }
        assertEquals(relu, anyClipped, "with ReLU some outputs are clipped (gamma -1.5 flips a channel)");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void floatNormalizeIsTheFormulaOnPlanesLongerThanOneChunk(boolean relu) {
        // 47 x 53 = 2491 elements per (n, c) plane: one full chunk of the float loop and a partial one
        int n = 2, c = 3, h = 47, w = 53;
        double[] x = values(n, c, h, w, 9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) x[i];
        }
        double[] gamma = {0.5, -1.5, 2.0};
        double[] beta = {0.1, 0.0, -0.3};
        double[][] m = referenceMoments(x, n, c, h * w);
        INDArray out = Nd4j.create(DataType.FLOAT, n, c, h, w).assign(Float.NaN);
        BatchNormKernels.normalize(array(x, DataType.FLOAT, n, c, h, w), array(m[0], DataType.FLOAT, c),
                array(m[1], DataType.FLOAT, c), array(gamma, DataType.FLOAT, c), array(beta, DataType.FLOAT, c),
                EPS, relu, out, false);
        double[] expected = referenceForward(x, gamma, beta, n, c, h * w, relu);
        double[] actual = out.castTo(DataType.DOUBLE).data().asDouble();
        for (int i = 0; i < expected.length; i++) {
            // float rounding of the moments (means 50..150) and of scale * x + offset
            assertEquals(expected[i], actual[i], 2e-4 * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void trainingForwardEqualsMomentsThenNormalizeExactly(String typeName) {
        DataType type = DataType.valueOf(typeName);
        int n = 3, c = 5, h = 9, w = 7;
        INDArray x = array(values(n, c, h, w, 10), type, n, c, h, w);
        INDArray gamma = array(new double[] {0.5, -1.5, 2.0, 1.0, 0.25}, type, c);
        INDArray beta = array(new double[] {0.1, 0.0, -0.3, 2.0, -1.0}, type, c);
        for (boolean relu : new boolean[] {false, true}) {
            INDArray mean = Nd4j.create(type, c);
            INDArray var = Nd4j.create(type, c);
            INDArray out = Nd4j.create(type, n, c, h, w);
            BatchNormKernels.trainingForward(x, gamma, beta, EPS, relu, out, mean, var, false);
            INDArray mean2 = Nd4j.create(type, c);
            INDArray var2 = Nd4j.create(type, c);
            INDArray out2 = Nd4j.create(type, n, c, h, w);
            BatchNormKernels.moments(x, mean2, var2, false);
            BatchNormKernels.normalize(x, mean2, var2, gamma, beta, EPS, relu, out2, false);
            // exactly: INDArray.equals would allow 1e-5 per element
            assertTrue(java.util.Arrays.equals(mean2.data().asDouble(), mean.data().asDouble()), "mean");
            assertTrue(java.util.Arrays.equals(var2.data().asDouble(), var.data().asDouble()), "variance");
            assertTrue(java.util.Arrays.equals(out2.data().asDouble(), out.data().asDouble()), "relu " + relu + ": outputs differ");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void backwardEqualsCentralDifferences(boolean relu) {
        int n = 2, c = 3, h = 3, w = 3;
        int hw = h * w;
        double[] x = values(n, c, h, w, 3);
        double[] gamma = {0.7, -1.2, 1.9};
        double[] beta = {0.2, -0.1, 0.4};
        double[] dy = new Random(4).doubles(x.length, -1, 1).toArray();
        double[][] m = referenceMoments(x, n, c, hw);
        double[] y = referenceForward(x, gamma, beta, n, c, hw, relu);
        INDArray dx = Nd4j.create(DataType.DOUBLE, n, c, h, w);
        INDArray dGamma = Nd4j.create(DataType.DOUBLE, 1, c);
        INDArray dBeta = Nd4j.create(DataType.DOUBLE, 1, c);
        BatchNormKernels.backward(array(x, DataType.DOUBLE, n, c, h, w), array(dy, DataType.DOUBLE, n, c, h, w),
                relu ? array(y, DataType.DOUBLE, n, c, h, w) : null, array(m[0], DataType.DOUBLE, c),
                array(m[1], DataType.DOUBLE, c), array(gamma, DataType.DOUBLE, c), EPS, dx, dGamma, dBeta, false);

        double[] actualDx = dx.data().asDouble();
        for (int i = 0; i < x.length; i++) {
            double numeric = centralDifference(x, i, v -> loss(v, gamma, beta, dy, n, c, hw, relu));
            assertEquals(numeric, actualDx[i], 1e-6 + 1e-5 * Math.abs(numeric), "dL/dx[" + i + "]");
        }
        for (int ch = 0; ch < c; ch++) {
            double numericGamma = centralDifference(gamma, ch, v -> loss(x, v, beta, dy, n, c, hw, relu));
            assertEquals(numericGamma, dGamma.getDouble(ch), 1e-6 + 1e-6 * Math.abs(numericGamma), "dL/dgamma[" + ch + "]");
            double numericBeta = centralDifference(beta, ch, v -> loss(x, gamma, v, dy, n, c, hw, relu));
            assertEquals(numericBeta, dBeta.getDouble(ch), 1e-6 + 1e-6 * Math.abs(numericBeta), "dL/dbeta[" + ch + "]");
        }
    }

    /** {@code (f(v + h e_i) - f(v - h e_i)) / 2h} with h = 1e-5. */
    private static double centralDifference(double[] v, int i, java.util.function.ToDoubleFunction<double[]> f) {
        double step = 1e-5;
        double[] plus = v.clone();
        double[] minus = v.clone();
        plus[i] += step;
        minus[i] -= step;
        return (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * step);
    }

    /** dL/dx from the masked backward kernel run in {@code type}, as doubles. */
    private static double[] backwardIn(DataType type, double[] x, double[] dy, double[] y, double[][] moments,
            double[] gamma, int n, int c, int h, int w) {
        INDArray dx = Nd4j.create(type, n, c, h, w);
        BatchNormKernels.backward(array(x, type, n, c, h, w), array(dy, type, n, c, h, w), array(y, type, n, c, h, w),
                array(moments[0], type, c), array(moments[1], type, c), array(gamma, type, c), EPS, dx,
                Nd4j.create(type, c), Nd4j.create(type, c), false);
        return dx.castTo(DataType.DOUBLE).data().asDouble();
    }

    @Test
    void floatBackwardAgreesWithDoubleAtFloatPrecision() {
        int n = 4, c = 5, h = 6, w = 7;
        double[] x = values(n, c, h, w, 5);
        double[] dy = new Random(6).doubles(x.length, -1, 1).toArray();
        double[] gamma = {1, 0.5, -0.5, 2, 1.5};
        double[] beta = {0, 0.1, 0.2, -0.1, 0.3};
        double[][] m = referenceMoments(x, n, c, h * w);
        double[] y = referenceForward(x, gamma, beta, n, c, h * w, true);
        double[][] results = {backwardIn(DataType.DOUBLE, x, dy, y, m, gamma, n, c, h, w),
                backwardIn(DataType.FLOAT, x, dy, y, m, gamma, n, c, h, w)};
        double scale = 0;
        for (double v : results[0]) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < results[0].length; i++) {
            assertEquals(results[0][i], results[1][i], 1e-4 * scale, "element " + i);
        }
    }

    /** The kernels address memory directly: views with an offset must read and write their own elements. */
    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void kernelsReadAndWriteViewsWithAnOffset(String typeName) {
        DataType type = DataType.valueOf(typeName);
        int c = 3, h = 4, w = 5;
        INDArray big = array(values(4, c, h, w, 7), type, 4, c, h, w);
        INDArray view = big.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        assertTrue(view.offset() > 0 && BatchNormKernels.supports(view));
        INDArray copy = view.dup();
        INDArray[] fromView = {Nd4j.create(type, c), Nd4j.create(type, c)};
        INDArray[] fromCopy = {Nd4j.create(type, c), Nd4j.create(type, c)};
        BatchNormKernels.moments(view, fromView[0], fromView[1], false);
        BatchNormKernels.moments(copy, fromCopy[0], fromCopy[1], false);
        assertEquals(fromCopy[0], fromView[0]);
        assertEquals(fromCopy[1], fromView[1]);

        INDArray target = Nd4j.zeros(type, 4, c, h, w);
        INDArray targetView = target.get(NDArrayIndex.interval(2, 4), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray expected = Nd4j.create(type, 2, c, h, w);
        INDArray gamma = Nd4j.ones(type, c);
        INDArray beta = Nd4j.zeros(type, c);
        BatchNormKernels.normalize(view, fromView[0], fromView[1], gamma, beta, EPS, false, targetView, false);
        BatchNormKernels.normalize(copy, fromCopy[0], fromCopy[1], gamma, beta, EPS, false, expected, false);
        assertEquals(expected, targetView);
        assertEquals(0.0, target.get(NDArrayIndex.interval(0, 2), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).amaxNumber().doubleValue(), "elements outside the view are untouched");
    }

    /** A ReLU output of -0.0f is not positive: its gradient is masked, as in the double path. */
    @Test
    void negativeZeroReluOutputMasksTheGradient() {
        int n = 2, c = 2, h = 2, w = 3;
        double[] x = values(n, c, h, w, 8);
        double[] dy = new Random(9).doubles(x.length, -1, 1).toArray();
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : 1.0 + i;
        }
        double[][] m = referenceMoments(x, n, c, h * w);
        double[] gamma = {1.3, -0.7};
        double[][] results = {backwardIn(DataType.DOUBLE, x, dy, y, m, gamma, n, c, h, w),
                backwardIn(DataType.FLOAT, x, dy, y, m, gamma, n, c, h, w)};
        for (int i = 0; i < x.length; i++) {
            assertEquals(results[0][i], results[1][i], 1e-4, "element " + i);
        }
    }

    @Test
    void onlyContiguousNchwFloatingArraysAreSupported() {
        assertTrue(BatchNormKernels.supports(Nd4j.create(DataType.FLOAT, 2, 3, 4, 5)));
        assertTrue(BatchNormKernels.supports(Nd4j.create(DataType.DOUBLE, 2, 3, 4, 5)));
        assertFalse(BatchNormKernels.supports(Nd4j.create(DataType.HALF, 2, 3, 4, 5)));
        assertFalse(BatchNormKernels.supports(Nd4j.create(DataType.FLOAT, 2, 3)));
        assertFalse(BatchNormKernels.supports(Nd4j.create(DataType.FLOAT, new long[] {2, 3, 4, 5}, 'f')));
        assertFalse(BatchNormKernels.supports(Nd4j.create(DataType.FLOAT, 2, 5, 4, 3).permute(0, 3, 2, 1)));
    }
}
