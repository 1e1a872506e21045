package org.swa4j.models.layers.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The channels-last BatchNorm kernels ({@link ChannelsLastKernels} in float, the transposing path in
 * double) against the NCHW kernels on the same values, which {@code BatchNormKernelsTest} checks
 * against the formulas and central differences. Sizes include a row count that is not a multiple of
 * a chunk and channel counts that do not divide a chunk.
 */
class ChannelsLastKernelsTest {

    private static final double EPS = 1e-5;

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertEquals(e.length, a.length, what + " length");
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), what + " at " + i);
        }
    }

    private static INDArray nhwc(INDArray nchw) {
        return nchw.permute(0, 2, 3, 1).dup('c');
    }

    @ParameterizedTest
    @CsvSource({"FLOAT, 4, 16, 9, 7", "FLOAT, 3, 3, 5, 5", "FLOAT, 70, 24, 5, 6", "FLOAT, 2, 300, 3, 3", "DOUBLE, 3, 5, 4, 6"})
    void forwardAndBackwardEqualTheNchwKernels(DataType type, int n, int c, int h, int w) {
        Nd4j.getRandom().setSeed(31L * c + n);
        INDArray x = Nd4j.randn(type, n, c, h, w).muli(1.5).addi(0.7);
        INDArray dy = Nd4j.randn(type, n, c, h, w);
        INDArray gamma = Nd4j.rand(type, c).addi(0.5);
        INDArray beta = Nd4j.randn(type, c);
        double tol = type == DataType.FLOAT ? 2e-5 : 1e-12;
        for (boolean relu : new boolean[] {false, true}) {
            INDArray y = x.ulike();
            INDArray mean = Nd4j.create(type, c);
            INDArray var = Nd4j.create(type, c);
            BatchNormKernels.trainingForward(x, gamma, beta, EPS, relu, y, mean, var, false);
            INDArray yLast = nhwc(x).ulike();
            INDArray meanLast = Nd4j.create(type, c);
            INDArray varLast = Nd4j.create(type, c);
            BatchNormKernels.trainingForward(nhwc(x), gamma, beta, EPS, relu, yLast, meanLast, varLast, true);
            assertClose(mean, meanLast, tol, "mean");
            assertClose(var, varLast, tol, "variance");
            assertClose(nhwc(y), yLast, tol * 10, "output, relu " + relu);

            INDArray dx = x.ulike();
            INDArray dGamma = Nd4j.create(type, c);
            INDArray dBeta = Nd4j.create(type, c);
            BatchNormKernels.backward(x, dy, relu ? y : null, mean, var, gamma, EPS, dx, dGamma, dBeta, false);
            INDArray dxLast = nhwc(x).ulike();
            INDArray dGammaLast = Nd4j.create(type, c);
            INDArray dBetaLast = Nd4j.create(type, c);
            BatchNormKernels.backward(nhwc(x), nhwc(dy), relu ? yLast : null, meanLast, varLast, gamma, EPS, dxLast,
                    dGammaLast, dBetaLast, true);
            assertClose(dBeta, dBetaLast, tol * 10, "dL/dbeta, relu " + relu);
            assertClose(dGamma, dGammaLast, tol * 10, "dL/dgamma, relu " + relu);
            assertClose(nhwc(dx), dxLast, tol * 10, "dL/dx, relu " + relu);

            INDArray inferred = x.ulike();
            BatchNormKernels.normalize(x, mean, var, gamma, beta, EPS, relu, inferred, false);
            INDArray inferredLast = nhwc(x).ulike();
            BatchNormKernels.normalize(nhwc(x), mean, var, gamma, beta, EPS, relu, inferredLast, true);
            assertClose(nhwc(inferred), inferredLast, tol * 10, "inference output, relu " + relu);
        }
    }
}
