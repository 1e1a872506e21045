package org.swa4j.models.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.swa4j.models.BuildSettings;
import org.swa4j.models.InputShape;
import org.swa4j.models.layers.fast.FusedLayerFactory;
import org.swa4j.models.preresnet.PreResNet;
import org.swa4j.models.preresnet.PreResNetSpec;

/**
 * The sharing rule on hand-built topologies (vertex v at topological position v unless stated),
 * and that the residual sums of a fused PreResNet share (whose gradients {@code ChannelsLastGraphTest}
 * compares with the stock graph's).
 */
class EpsilonSharingTest {

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private static final boolean[] BOTH = {true, true};
    private static final boolean[] NONE = {false, false};

    @Test
    void preActivationBlockShares() {
        // 0 shortcut -> 1 bn1 -> 2 conv1 -> 3 conv2 -> 4 sum(0, 3); the shortcut also feeds bn1, which is
        // visited after the sum and adds into the shared array, but after conv2 has read it
        int[][] consumers = {{1, 4}, {2}, {3}, {4}};
        assertArrayEquals(BOTH, EpsilonSharing.decide(4, new int[] {0, 3}, new int[][] {consumers[0], consumers[3]},
                identity(5), BOTH));
    }

    @Test
    void noSharingWhenAReceiverIsVisitedAfterTheFirstWriter() {
        // 0 a -> 2 c; 1 b; 3 sum(a, b); c (position 2) is visited after the sum, adds into a's gradient,
        // and b (position 1) would read the shared array only after that
        assertArrayEquals(NONE, EpsilonSharing.decide(3, new int[] {0, 1}, new int[][] {{2, 3}, {3}}, identity(4), BOTH));
    }

    @Test
    void sharesWhenTheOtherConsumerIsVisitedBeforeTheSum() {
        // a's other consumer c sits after the sum (position 4 > 3): a already holds c's gradient when the
        // sum's arrives, so the shared array is added into that one and never written
        assertArrayEquals(BOTH, EpsilonSharing.decide(3, new int[] {0, 1}, new int[][] {{4, 3}, {3}}, identity(5), BOTH));
    }

    @Test
    void noSharingForRepeatedInputsOrUnknownReceivers() {
        assertArrayEquals(NONE, EpsilonSharing.decide(2, new int[] {0, 0}, new int[][] {{2, 2}, {2, 2}}, identity(3), BOTH));
        assertArrayEquals(NONE, EpsilonSharing.decide(2, new int[] {0, 1}, new int[][] {{2}, {2}}, identity(3),
                new boolean[] {true, false}));
        // three inputs, one unknown: the two read-only ones share, the third gets its own copy
        assertArrayEquals(new boolean[] {true, false, true}, EpsilonSharing.decide(3, new int[] {0, 1, 2},
                new int[][] {{3}, {3}, {3}}, identity(4), new boolean[] {true, false, true}));
    }

    @Test
    void residualSumsOfAFusedPreResNetShare() {
        ComputationGraph g = new ComputationGraph(PreResNet.config(new PreResNetSpec(8, 5, new InputShape(3, 8, 8)),
                new BuildSettings(new FusedLayerFactory(), 1, DataType.FLOAT)));
        g.init();
        int sums = 0;
        for (GraphVertex v : g.getVertices()) {
            if (v instanceof SumVertexImpl) {
                sums++;
                boolean[] share = EpsilonSharing.of(g, v.getVertexIndex());
                assertArrayEquals(BOTH, share, v.getVertexName());
            }
        }
        assertTrue(sums >= 3, "PreResNet-8 has a residual sum per block, found " + sums);
    }
}
