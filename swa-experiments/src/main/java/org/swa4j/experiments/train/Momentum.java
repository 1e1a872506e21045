package org.swa4j.experiments.train;

import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Heavy-ball momentum SGD with PyTorch's {@code torch.optim.SGD(momentum=mu)} semantics, which the
 * reference code trains with and which DL4J lacks ({@code Nesterovs} is the Nesterov variant):
 *
 * <pre>
 *   v = mu * v + g          (v = 0 before the first step, so v_1 = g as in torch)
 *   w = w - lr * v
 * </pre>
 *
 * Coupled weight decay is DL4J's {@code l2(wd)} regularisation, applied to g before the updater,
 * as torch's {@code weight_decay}. The learning rate is fixed or an {@link ISchedule}; the
 * experiments set it per epoch or per iteration through {@code setLrAndSchedule}. Rejects a
 * non-positive learning rate and a momentum outside [0, 1).
 */
public final class Momentum implements IUpdater {

    private double learningRate;
    private ISchedule learningRateSchedule;
    private double momentum;

    /** For JSON deserialisation with the network configuration. */
    public Momentum() {
        this(0.1, 0.9);
    }

    public Momentum(double learningRate, double momentum) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate " + learningRate + " must be > 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum " + momentum + " must be in [0, 1)");
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public Momentum clone() {
        Momentum m = new Momentum(learningRate, momentum);
        m.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
        return m;
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    public double getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    public void setLearningRateSchedule(ISchedule learningRateSchedule) {
        this.learningRateSchedule = learningRateSchedule;
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        this.momentum = momentum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Momentum m && m.learningRate == learningRate && m.momentum == momentum
                && Objects.equals(m.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, momentum, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "Momentum(lr=" + learningRate + ", momentum=" + momentum + ", schedule=" + learningRateSchedule + ")";
    }

    /** The state (velocity {@code v}) and the step of {@link Momentum}. */
    static final class Updater implements GradientUpdater<Momentum> {
        static final String V = "V";
        private final Momentum config;
        private INDArray v;

        Updater(Momentum config) {
            this.config = config;
        }

        @Override
        public Momentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            if (!stateMap.containsKey(V) || stateMap.size() != 1) {
                throw new IllegalArgumentException("momentum state must hold exactly key " + V + "; got " + stateMap.keySet());
            }
            v = stateMap.get(V);
            if (initialize) {
                v.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(V, v);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (!viewArray.isRowVectorOrScalar()) {
                throw new IllegalArgumentException("momentum state view must be a row vector; got shape "
                        + java.util.Arrays.toString(viewArray.shape()));
            }
            if (initialize) {
                viewArray.assign(0);
            }
            v = viewArray.reshape(gradientOrder, gradientShape);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (v == null) {
                throw new IllegalStateException("momentum updater has no state view");
            }
            double lr = config.getLearningRate(iteration, epoch);
            v.muli(config.momentum).addi(gradient);
            gradient.assign(v).muli(lr);
        }
    }
}
