package org.swa4j.models.layers.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link DnnlBatchNorm} (oneDNN, channels last, float) against the BatchNorm written out in double
 * here (forward) and against {@link BatchNormKernels}' double-precision NCHW backward, which
 * {@code BatchNormKernelsTest} checks against central differences.
 */
class DnnlBatchNormTest {

    private static final double EPS = 1e-5;

    @BeforeAll
    static void oneDnnAvailable() {
        assumeTrue(DnnlConvolution.enabled(), "oneDNN is not usable in this JVM: " + DnnlConvolution.engine());
    }

    /** [n, h, w, c] values, with per-channel offsets and scales so that the moments differ by channel. */
    private static INDArray input(Random r, int n, int h, int w, int c) {
        float[] v = new float[n * h * w * c];
        for (int i = 0; i < v.length; i++) {
            int ch = i % c;
            v[i] = (float) (0.5 * ch - 1 + (1 + 0.25 * ch) * r.nextGaussian());
        }
        return Nd4j.createFromArray(v).reshape(n, h, w, c);
    }

    private static INDArray vector(Random r, int c, double base) {
        float[] v = new float[c];
        for (int i = 0; i < c; i++) {
            v[i] = (float) (base + 0.5 * r.nextGaussian());
        }
        return Nd4j.createFromArray(v);
    }

    /** {mean, biased variance} per channel of an NHWC array, in double. */
    private static double[][] moments(INDArray x) {
        int c = (int) x.size(3);
        double[] v = x.castTo(DataType.DOUBLE).data().asDouble();
        int rows = v.length / c;
        double[][] mv = new double[2][c];
        for (int i = 0; i < v.length; i++) {
            mv[0][i % c] += v[i] / rows;
        }
        for (int i = 0; i < v.length; i++) {
            double d = v[i] - mv[0][i % c];
            mv[1][i % c] += d * d / rows;
        }
        return mv;
    }

    private static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).data().asDouble();
    }

    @ParameterizedTest
    @CsvSource({"4, 5, 6, 16, true", "3, 4, 4, 8, false", "2, 3, 5, 3, true", "8, 2, 2, 64, true"})
    void trainingForwardIsTheBatchNormOfTheBatchMoments(int n, int h, int w, int c, boolean relu) {
        Random r = new Random(7L * c + h);
        INDArray x = input(r, n, h, w, c);
        INDArray gamma = vector(r, c, 1);
        INDArray beta = vector(r, c, 0);
        INDArray y = Nd4j.create(DataType.FLOAT, n, h, w, c);
        INDArray mean = Nd4j.create(DataType.FLOAT, c);
        INDArray var = Nd4j.create(DataType.FLOAT, c);
        INDArray ws = relu ? Nd4j.create(DnnlBatchNorm.workspaceType(), DnnlBatchNorm.workspaceBytes(x, EPS, true)) : null;
        DnnlBatchNorm.forwardTraining(x, gamma, beta, EPS, relu, y, mean, var, ws);

        double[][] mv = moments(x);
        assertClose(mv[0], doubles(mean), 1e-5, "mean");
        assertClose(mv[1], doubles(var), 1e-5, "variance");
        double[] xv = doubles(x);
        double[] g = doubles(gamma);
        double[] b = doubles(beta);
        double[] expected = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            int ch = i % c;
            double v = g[ch] * (xv[i] - mv[0][ch]) / Math.sqrt(mv[1][ch] + EPS) + b[ch];
            expected[i] = relu ? Math.max(v, 0) : v;
        }
        assertClose(expected, doubles(y), 1e-4, "output");
    }

    @ParameterizedTest
    @CsvSource({"4, 5, 6, 16, true", "3, 4, 4, 8, false", "2, 3, 5, 3, true"})
    void inferenceUsesTheGivenStatistics(int n, int h, int w, int c, boolean relu) {
        Random r = new Random(11L * c + n);
        INDArray x = input(r, n, h, w, c);
        INDArray gamma = vector(r, c, 1);
        INDArray beta = vector(r, c, 0);
        INDArray mean = vector(r, c, 0.3);
        INDArray var = Transforms.abs(vector(r, c, 0)).addi(0.5);
        INDArray y = Nd4j.create(DataType.FLOAT, n, h, w, c);
        DnnlBatchNorm.forwardInference(x, mean, var, gamma, beta, EPS, relu, y);
        double[] xv = doubles(x);
        double[] m = doubles(mean);
        double[] v = doubles(var);
        double[] g = doubles(gamma);
        double[] b = doubles(beta);
        double[] expected = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            int ch = i % c;
            double o = g[ch] * (xv[i] - m[ch]) / Math.sqrt(v[ch] + EPS) + b[ch];
            expected[i] = relu ? Math.max(o, 0) : o;
        }
        assertClose(expected, doubles(y), 1e-4, "output");
    }

    @ParameterizedTest
    @CsvSource({"4, 5, 6, 16, true", "3, 4, 4, 8, false", "2, 3, 5, 3, true", "8, 2, 2, 64, false"})
    void backwardEqualsTheNchwKernelsInDouble(int n, int h, int w, int c, boolean relu) {
        Random r = new Random(13L * c + w);
        INDArray x = input(r, n, h, w, c);
        INDArray dy = input(r, n, h, w, c);
        INDArray gamma = vector(r, c, 1);
        INDArray beta = vector(r, c, 0);
        INDArray y = Nd4j.create(DataType.FLOAT, n, h, w, c);
        INDArray mean = Nd4j.create(DataType.FLOAT, c);
        INDArray var = Nd4j.create(DataType.FLOAT, c);
        INDArray ws = relu ? Nd4j.create(DnnlBatchNorm.workspaceType(), DnnlBatchNorm.workspaceBytes(x, EPS, true)) : null;
        DnnlBatchNorm.forwardTraining(x, gamma, beta, EPS, relu, y, mean, var, ws);
        INDArray dx = Nd4j.create(DataType.FLOAT, n, h, w, c);
        INDArray dGamma = Nd4j.create(DataType.FLOAT, c);
        INDArray dBeta = Nd4j.create(DataType.FLOAT, c);
        DnnlBatchNorm.backward(x, dy, mean, var, gamma, beta, EPS, relu, ws, dx, dGamma, dBeta);

        // the second implementation: NCHW, double, on the same values (its mask is the float output's sign)
        INDArray xd = x.castTo(DataType.DOUBLE).permute(0, 3, 1, 2).dup('c');
        INDArray dyd = dy.castTo(DataType.DOUBLE).permute(0, 3, 1, 2).dup('c');
        INDArray yd = y.castTo(DataType.DOUBLE).permute(0, 3, 1, 2).dup('c');
        double[][] mv = moments(x);
        INDArray dxd = Nd4j.create(DataType.DOUBLE, n, c, h, w);
        INDArray dgd = Nd4j.create(DataType.DOUBLE, c);
        INDArray dbd = Nd4j.create(DataType.DOUBLE, c);
        BatchNormKernels.backward(xd, dyd, relu ? yd : null, Nd4j.createFromArray(mv[0]), Nd4j.createFromArray(mv[1]),
                gamma.castTo(DataType.DOUBLE), EPS, dxd, dgd, dbd, false);
        assertClose(doubles(dbd), doubles(dBeta), 1e-4, "dL/dbeta");
        assertClose(doubles(dgd), doubles(dGamma), 1e-4, "dL/dgamma");
        assertClose(doubles(dxd.permute(0, 2, 3, 1).dup('c')), doubles(dx), 2e-4, "dL/dx");
    }

    @Test
    void refusesWrongShapesAndAMissingWorkspace() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 3, 4);
        INDArray gamma = Nd4j.ones(DataType.FLOAT, 4);
        INDArray beta = Nd4j.zeros(DataType.FLOAT, 4);
        INDArray mean = Nd4j.create(DataType.FLOAT, 4);
        INDArray var = Nd4j.create(DataType.FLOAT, 4);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> DnnlBatchNorm.forwardTraining(x,
                gamma, beta, EPS, false, Nd4j.create(DataType.FLOAT, 2, 3, 4, 3), mean, var, null));
        assertTrue(shape.getMessage().contains("[2, 3, 4, 3]"), shape.getMessage());
        IllegalArgumentException ws = assertThrows(IllegalArgumentException.class, () -> DnnlBatchNorm.forwardTraining(x,
                gamma, beta, EPS, true, x.like(), mean, var, null));
        assertTrue(ws.getMessage().contains("workspace"), ws.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DnnlBatchNorm.forwardTraining(x, Nd4j.ones(DataType.FLOAT, 3),
                beta, EPS, false, x.like(), mean, var, null));
    }
}
