package org.swa4j.models.shakeshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The vertex on its own: forward and backward values against the Shake-Shake formulas. */
class ShakeShakeVertexTest {

    private static final int N = 64;
    private final INDArray a;
    private final INDArray b;

    ShakeShakeVertexTest() {
        Nd4j.getRandom().setSeed(1);
        a = Nd4j.rand(DataType.DOUBLE, N, 2, 3, 3).addi(1.0);   // a - b is never 0
        b = Nd4j.rand(DataType.DOUBLE, N, 2, 3, 3).subi(1.0);
    }

    private static ShakeShakeVertexImpl vertex(long seed) {
        return new ShakeShakeVertexImpl(null, "shake", 0, seed, DataType.DOUBLE);
    }

    private INDArray forward(ShakeShakeVertexImpl v, boolean training) {
        v.setInputs(new INDArray[] {a, b});
        return v.doForward(training, LayerWorkspaceMgr.noWorkspaces());
    }

    /** Per-example weight w with y = w * p + (1 - w) * q, recovered element-wise and checked constant. */
    private static double[] weights(INDArray y, INDArray p, INDArray q) {
        INDArray w = y.sub(q).divi(p.sub(q));
        double[] perExample = new double[(int) w.size(0)];
        for (int i = 0; i < perExample.length; i++) {
            INDArray wi = w.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
            perExample[i] = wi.getDouble(0);
            assertEquals(perExample[i], wi.minNumber().doubleValue(), 1e-12);
            assertEquals(perExample[i], wi.maxNumber().doubleValue(), 1e-12);
        }
        return perExample;
    }

    @Test
    void inferenceAveragesTheBranchesDeterministically() {
        ShakeShakeVertexImpl v = vertex(3);
        INDArray expected = a.add(b).muli(0.5);
        assertEquals(expected, forward(v, false));
        assertEquals(expected, forward(v, false));
    }

    @Test
    void trainingMixesEachExampleWithItsOwnUniformWeight() {
        ShakeShakeVertexImpl v = vertex(3);
        double[] alpha = weights(forward(v, true), a, b);
        double mean = 0;
        for (double w : alpha) {
            assertTrue(w > 0 && w < 1, "alpha " + w);
            mean += w / N;
        }
        assertTrue(Math.abs(mean - 0.5) < 4 * Math.sqrt(1.0 / 12 / N), "mean alpha " + mean);
        assertNotEquals(alpha[0], alpha[1]);
        double[] next = weights(forward(v, true), a, b);
        assertNotEquals(alpha[0], next[0], "a new draw every pass");
        assertArrayEquals(alpha, weights(forward(vertex(3), true), a, b), 0.0, "same seed, same draws");
        assertNotEquals(alpha[0], weights(forward(vertex(4), true), a, b)[0], "other seed, other draws");
    }

    @Test
    void backwardUsesAnIndependentWeight() {
        ShakeShakeVertexImpl v = vertex(5);
        double[] alpha = weights(forward(v, true), a, b);
        INDArray eps = Nd4j.rand(DataType.DOUBLE, N, 2, 3, 3).addi(0.5);
        v.setEpsilon(eps);
        INDArray[] grads = v.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond();
        assertEquals(eps, grads[0].add(grads[1]), "gradients of the two branches sum to the output gradient");
        double[] beta = weights(grads[0], eps, Nd4j.zeros(DataType.DOUBLE, eps.shape()));
        for (int i = 0; i < N; i++) {
            assertTrue(beta[i] > 0 && beta[i] < 1);
            assertNotEquals(alpha[i], beta[i], 1e-9);
        }
    }

    @Test
    void fixedMixingUsesTheGivenWeights() {
        ShakeShakeVertexImpl v = vertex(5);
        double[] alpha = new double[N];
        double[] beta = new double[N];
        for (int i = 0; i < N; i++) {
            alpha[i] = (i + 1.0) / (N + 1);
            beta[i] = 1 - alpha[i];
        }
        v.useFixedMixing(alpha, beta);
        assertArrayEquals(alpha, weights(forward(v, true), a, b), 1e-12);
        INDArray eps = Nd4j.ones(DataType.DOUBLE, N, 2, 3, 3);
        v.setEpsilon(eps);
        INDArray gradA = v.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond()[0];
        assertArrayEquals(beta, weights(gradA, eps, Nd4j.zeros(DataType.DOUBLE, eps.shape())), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> v.useFixedMixing(new double[] {1.5}, new double[] {0.5}));
        assertThrows(IllegalArgumentException.class, () -> v.useFixedMixing(new double[] {0.5}, new double[0]));
    }
}
