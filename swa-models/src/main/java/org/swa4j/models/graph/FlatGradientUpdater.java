package org.swa4j.models.graph;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link ComputationGraphUpdater}, made to take its own fast path when the gradient it is
 * given is the network's flattened gradient.
 *
 * <p>DL4J 1.0.0-M2.1's {@code BaseMultiLayerUpdater.update} treats a gradient as "external" unless
 * {@code gradient.gradient()} is the very object its flattened gradient view is; but
 * {@code DefaultGradient.gradient()} returns a new reshape of that array on every call, so every
 * {@code fit} step takes the external path. There, each updater block builds two index views
 * ({@code get(interval)} plus a reshape) of the full parameter and gradient vectors for every
 * variable, before and after the update rule, and re-derives the mini-batch division subsets:
 * a few hundred ND4J arrays per step, each with its native shape buffer and deallocator. That was
 * 9% of a preresnet20 training step here, and most of the step's Java garbage.
 *
 * <p>This class passes the same gradient on, with {@code gradient()} answering the updater's own
 * view when the two are the same memory (same buffer address, offset, length and type), so DL4J runs the
 * path it already has for that case: the cached per-variable views. The arithmetic is DL4J's,
 * unchanged; when the arrays are not the same memory, nothing is changed at all. Updater state,
 * serialisation and {@code ModelSerializer} are unaffected (the state layout is the superclass's).
 */
public final class FlatGradientUpdater extends ComputationGraphUpdater {

    private long directSteps;

    private FlatGradientUpdater(ComputationGraph graph, INDArray updaterState) {
        super(graph, updaterState);
    }

    /**
     * Replaces {@code graph}'s updater by this one, keeping its state (momentum buffers etc.), and
     * returns {@code graph}. The graph must be initialised. Idempotent.
     */
    public static ComputationGraph install(ComputationGraph graph) {
        if (graph.getVertices() == null) {
            throw new IllegalStateException("FlatGradientUpdater.install: the graph is not initialised (call init() first)");
        }
        if (!(graph.getUpdater() instanceof FlatGradientUpdater)) {
            graph.setUpdater(new FlatGradientUpdater(graph, graph.getUpdater().getStateViewArray()));
        }
        return graph;
    }

    /** Steps that took DL4J's direct path because the gradient was the network's own (for tests). */
    public long directSteps() {
        return directSteps;
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        INDArray view = getFlattenedGradientsView();
        INDArray given = gradient.gradient();
        if (view != null && given != view && sameMemory(given, view)) {
            gradient = new OwnView(gradient, view);
            directSteps++;
        }
        super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
    }

    private static boolean sameMemory(INDArray a, INDArray b) {
        return a.data().address() == b.data().address() && a.offset() == b.offset() && a.length() == b.length()
                && a.dataType() == b.dataType() && a.elementWiseStride() == 1 && b.elementWiseStride() == 1;
    }

    /** {@code gradient}, except that {@code gradient()} is {@code view} (the same memory). */
    private static final class OwnView implements Gradient {
        private final Gradient gradient;
        private final transient INDArray view;

        OwnView(Gradient gradient, INDArray view) {
            this.gradient = gradient;
            this.view = view;
        }

        @Override
        public Map<String, INDArray> gradientForVariable() {
            return gradient.gradientForVariable();
        }

        @Override
        public INDArray gradient(List<String> order) {
            return gradient.gradient(order);
        }

        @Override
        public INDArray gradient() {
            return view;
        }

        @Override
        public void clear() {
            gradient.clear();
        }

        @Override
        public INDArray getGradientFor(String variable) {
            return gradient.getGradientFor(variable);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray value) {
            return gradient.setGradientFor(variable, value);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray value, Character flatteningOrder) {
            return gradient.setGradientFor(variable, value, flatteningOrder);
        }

        @Override
        public Character flatteningOrderForVariable(String variable) {
            return gradient.flatteningOrderForVariable(variable);
        }
    }
}
