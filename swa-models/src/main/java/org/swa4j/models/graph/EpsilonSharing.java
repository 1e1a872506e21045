package org.swa4j.models.graph;

import java.util.Arrays;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.swa4j.models.layers.fast.NativeConvolution;

/**
 * Which inputs of a sum vertex may be handed the same gradient array in DL4J's backward pass, so
 * that the vertex copies its incoming gradient once instead of once per input.
 *
 * <p>DL4J 1.0.0-M2.1's {@code ComputationGraph} visits vertices in reverse topological order. The
 * first gradient a vertex receives is kept as given; each later one is added into it in place. An
 * array X shared by inputs A and B is therefore safe when nothing writes X while one of them still
 * has to read it:
 * <ul>
 *   <li>every receiver's backward pass only reads its incoming gradient: this is known of
 *       {@link NativeConvolution} and {@link SumVertexImpl}, so only those share;</li>
 *   <li>if X is A's first gradient (none of A's other consumers was visited before the sum) and A
 *       has other consumers, the first of them to be visited adds into X: every other receiver must
 *       be visited before it.</li>
 * </ul>
 * Anything else (a repeated input, an unknown receiver, an order that breaks the rule) gets copies.
 * In a pre-activation residual block the shortcut and the branch's last convolution qualify.
 */
final class EpsilonSharing {

    private EpsilonSharing() {
    }

    /** Per input of vertex {@code sumIndex} of {@code graph}, whether it takes the shared copy. */
    static boolean[] of(ComputationGraph graph, int sumIndex) {
        GraphVertex[] vertices = graph.getVertices();
        VertexIndices[] in = vertices[sumIndex].getInputVertices();
        int[] order = graph.topologicalSortOrder();
        int[] position = new int[vertices.length];
        for (int k = 0; k < order.length; k++) {
            position[order[k]] = k;
        }
        int[] receivers = new int[in.length];
        int[][] consumers = new int[in.length][];
        boolean[] readOnly = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            GraphVertex r = vertices[in[i].getVertexIndex()];
            receivers[i] = r.getVertexIndex();
            VertexIndices[] out = r.getOutputVertices();
            consumers[i] = out == null ? new int[0] : Arrays.stream(out).mapToInt(VertexIndices::getVertexIndex).toArray();
            readOnly[i] = r instanceof SumVertexImpl
                    || (r.hasLayer() && r.getLayer() != null && r.getLayer().getClass() == NativeConvolution.class);
        }
        return decide(sumIndex, receivers, consumers, position, readOnly);
    }

    /**
     * The rule on plain indices: {@code receivers[i]} is input i's vertex, {@code consumers[i]} the
     * vertices it feeds (the sum included), {@code position[v]} vertex v's place in the topological
     * order, {@code readOnly[i]} whether input i's backward pass leaves its incoming gradient alone.
     * Either every read-only input shares (when there are at least two and the rule holds for all of
     * them) or none does.
     */
    static boolean[] decide(int sum, int[] receivers, int[][] consumers, int[] position, boolean[] readOnly) {
        int n = receivers.length;
        boolean[] share = new boolean[n];
        if (Arrays.stream(receivers).distinct().count() != n) {
            return share;
        }
        int candidates = 0;
        for (int i = 0; i < n; i++) {
            if (readOnly[i] && Arrays.stream(consumers[i]).filter(c -> c == sum).count() == 1) {
                share[i] = true;
                candidates++;
            }
        }
        if (candidates < 2) {
            return new boolean[n];
        }
        for (int i = 0; i < n; i++) {
            if (!share[i]) {
                continue;
            }
            int firstWriter = firstWriter(sum, consumers[i], position);
            for (int j = 0; j < n; j++) {
                if (j != i && share[j] && firstWriter >= 0 && position[receivers[j]] <= firstWriter) {
                    return new boolean[n];
                }
            }
        }
        return share;
    }

    /**
     * Topological position of the consumer that will add into the shared array when it is this
     * input's first gradient, or -1 if none will: no other consumers, or one visited before the sum
     * (the sum's gradient is then added into that one's array instead).
     */
    private static int firstWriter(int sum, int[] consumers, int[] position) {
        int writer = -1;
        for (int c : consumers) {
            if (c == sum) {
                continue;
            }
            if (position[c] > position[sum]) {
                return -1;
            }
            writer = Math.max(writer, position[c]);
        }
        return writer;
    }
}
