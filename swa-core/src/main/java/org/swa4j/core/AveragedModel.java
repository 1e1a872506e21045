package org.swa4j.core;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A running average of a network's weights, kept off the training path in a network of the same
 * kind (MultiLayerNetwork or ComputationGraph) that can predict.
 *
 * <ul>
 *   <li>{@link #swa(Model)}: equal running average, {@code avg += (w - avg) / (n + 1)}
 *       (Izmailov et al. 2018, eq. in Alg. 1; torch {@code get_swa_avg_fn}).</li>
 *   <li>{@link #ema(Model, double)}: exponential moving average,
 *       {@code avg = d * avg + (1 - d) * w} (torch {@code get_ema_avg_fn}).</li>
 * </ul>
 * The first {@link #update(Model)} copies the weights, as torch's {@code AveragedModel} does.
 *
 * <p>BatchNorm running statistics that DL4J stores inside {@code params()} (keys {@code mean},
 * {@code var}, {@code log10stdev} of BatchNormalization layers and {@link FusedBatchNorm} layers)
 * are copied from the live network by default, or averaged on request ({@link BatchNormStatistics}).
 *
 * <p>Implementation: the average is held as {@code avg = s * A} for a scalar {@code s}, so that an
 * update is one fused pass {@code s' = (1 - a) s; A += (a / s') w} over the weights (BLAS axpy), plus a
 * read-only check that they are finite (BLAS asum), and allocates no array. {@code A} is renormalised ({@code A *= s})
 * when {@code s} falls below 1e-10. {@link #model()} writes {@code s * A} into the held network.
 *
 * <p>Rejects (IllegalArgumentException naming the value): a decay outside (0, 1); a model that is
 * not an initialised MultiLayerNetwork or ComputationGraph; a network whose kind, parameter count
 * or layout differs from the averaged one; weights containing NaN or infinity (never folded in).
 * Not thread-safe.
 */
public final class AveragedModel {

    private static final double RENORMALISE_BELOW = 1e-10;
    private static final int FORMAT_VERSION = 1;
    private static final String MAGIC = "swa4j-averaged-model";

    private final double decay; // NaN for SWA
    private final BatchNormStatistics statistics;
    private final ParamLayout layout;
    private final Model average;
    private final INDArray averageFlat;
    private final INDArray accumulator;
    private double scale = 1.0;
    private long count;
    private boolean dirty;
    private int lastIteration = -1;
    private int lastEpoch = -1;

    // Statistics handling: COPY keeps the latest live values; AVERAGE keeps log10stdev in variance space.
    private final List<ParamLayout.Range> statRanges;
    private final INDArray[] statValues;
    private final INDArray[] statScratch;
    private final INDArray[] statTargets;
    private INDArray[] statLive;
    private Model boundNet;
    private INDArray boundFlat;

    private AveragedModel(Model net, double decay, BatchNormStatistics statistics) {
        if (statistics == null) {
            throw new IllegalArgumentException("statistics must be COPY or AVERAGE, got null");
        }
        this.layout = ParamLayout.of(net);
        this.decay = decay;
        this.statistics = statistics;
        this.average = NetworkCopies.copyOf(net);
        this.averageFlat = average.params();
        this.accumulator = Nd4j.zeros(averageFlat.dataType(), averageFlat.shape());
        List<ParamLayout.Range> ranges = new ArrayList<>();
        for (ParamLayout.Range r : layout.statistics()) {
            if (statistics == BatchNormStatistics.COPY) {
                // copied verbatim: adjacent ranges (a layer's mean and var) are copied as one
                ParamLayout.Range prev = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
                if (prev != null && prev.offset() + prev.length() == r.offset()) {
                    ranges.set(ranges.size() - 1, new ParamLayout.Range(prev.name() + "+" + r.name(), prev.offset(),
                            prev.length() + r.length(), new long[] {prev.length() + r.length()}, prev.stat()));
                } else {
                    ranges.add(r);
                }
            } else if (r.stat() == ParamLayout.StatKind.LOG10_STD) {
                ranges.add(r);
            }
        }
        this.statRanges = List.copyOf(ranges);
        int k = statRanges.size();
        this.statValues = new INDArray[k];
        this.statScratch = new INDArray[k];
        this.statTargets = new INDArray[k];
        for (int i = 0; i < k; i++) {
            ParamLayout.Range r = statRanges.get(i);
            statValues[i] = Nd4j.zeros(averageFlat.dataType(), r.length());
            statScratch[i] = Nd4j.zeros(averageFlat.dataType(), r.length());
            statTargets[i] = slice(averageFlat, r);
        }
    }

    /** Equal running average of the weights ({@code avg += (w - avg) / (n + 1)}); statistics copied. */
    public static AveragedModel swa(Model net) {
        return swa(net, BatchNormStatistics.COPY);
    }

    /** Equal running average of the weights, with the given BatchNorm statistics handling. */
    public static AveragedModel swa(Model net, BatchNormStatistics statistics) {
        return new AveragedModel(net, Double.NaN, statistics);
    }

    /** Exponential moving average {@code avg = d * avg + (1 - d) * w}, d in (0, 1); statistics copied. */
    public static AveragedModel ema(Model net, double decay) {
        return ema(net, decay, BatchNormStatistics.COPY);
    }

    /** Exponential moving average with the given BatchNorm statistics handling. */
    public static AveragedModel ema(Model net, double decay, BatchNormStatistics statistics) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in (0, 1), got " + decay);
        }
        return new AveragedModel(net, decay, statistics);
    }

    /**
     * Folds {@code net}'s current weights into the average.
     *
     * @throws IllegalArgumentException if {@code net}'s layout differs from the averaged one, or its
     *     weights contain NaN or infinity (the average is then left unchanged)
     */
    public void update(Model net) {
        bind(net);
        INDArray w = boundFlat;
        if (!Double.isFinite(absSum(w))) {
            throw new IllegalArgumentException(describeNonFinite(w) + "; not folded into the average");
        }
        double a = weightOfNew();
        if (count == 0) {
            accumulator.assign(w);
            scale = 1.0;
        } else {
            double newScale = scale * (1 - a);
            axpy(a / newScale, w, accumulator);
            scale = newScale;
            if (scale < RENORMALISE_BELOW) {
                scal(scale, accumulator);
                scale = 1.0;
            }
        }
        for (int i = 0; i < statRanges.size(); i++) {
            if (statistics == BatchNormStatistics.COPY) {
                statValues[i].assign(statLive[i]);
            } else {
                INDArray variance = statScratch[i].assign(statLive[i]).muli(2 * Math.log(10));
                Transforms.exp(variance, false);
                if (count == 0) {
                    statValues[i].assign(variance);
                } else {
                    statValues[i].muli(1 - a).addi(variance.muli(a));
                }
            }
        }
        count++;
        dirty = true;
        lastIteration = BaseOptimizer.getIterationCount(net);
        lastEpoch = BaseOptimizer.getEpochCount(net);
    }

    /** Number of updates folded into the average. */
    public long count() {
        return count;
    }

    /**
     * The network holding the average (the same instance on every call, brought up to date). Before
     * the first update it holds the weights of the network the average was created from.
     */
    public Model model() {
        if (dirty) {
            averageFlat.assign(accumulator);
            scal(scale, averageFlat);
            for (int i = 0; i < statRanges.size(); i++) {
                if (statistics == BatchNormStatistics.COPY) {
                    statTargets[i].assign(statValues[i]);
                } else {
                    INDArray logStd = statScratch[i].assign(statValues[i]);
                    Transforms.max(logStd, minNormal(logStd), false);
                    Transforms.log(logStd, false).muli(0.5 / Math.log(10));
                    statTargets[i].assign(logStd);
                }
            }
            dirty = false;
        }
        return average;
    }

    /** True for an exponential moving average, false for the equal (SWA) average. */
    public boolean isEma() {
        return !Double.isNaN(decay);
    }

    /** The EMA decay, or NaN for the equal (SWA) average. */
    public double decay() {
        return decay;
    }

    /** How BatchNorm running statistics are handled. */
    public BatchNormStatistics statistics() {
        return statistics;
    }

    /** Iteration count of the network at the last update (-1 before the first). */
    public int lastIteration() {
        return lastIteration;
    }

    /** Epoch count of the network at the last update (-1 before the first). */
    public int lastEpoch() {
        return lastEpoch;
    }

    /**
     * Writes the averaging state (the average, its count, the rule, and the iteration and epoch of
     * the network at the last update) so that {@link #load(Path, Model)} resumes it.
     */
    public void save(Path file) throws IOException {
        model();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeDouble(decay);
            out.writeUTF(statistics.name());
            out.writeLong(count);
            out.writeInt(lastIteration);
            out.writeInt(lastEpoch);
            out.writeUTF(layout.describe());
            Nd4j.write(averageFlat, out);
            out.writeInt(statValues.length);
            for (INDArray values : statValues) {
                Nd4j.write(values, out);
            }
        }
    }

    /**
     * Restores an averaging state written by {@link #save(Path)}. {@code template} is a network of
     * the averaged architecture (typically the live network being resumed); its weights are not used.
     *
     * @throws IllegalArgumentException if the file is not a saved averaging state or was saved for a
     *     network whose layout differs from {@code template}'s
     */
    public static AveragedModel load(Path file, Model template) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException(file + " is not a saved averaging state (header '" + magic + "')");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException(file + " has format version " + version
                        + "; this library reads version " + FORMAT_VERSION);
            }
            double decay = in.readDouble();
            BatchNormStatistics statistics = BatchNormStatistics.valueOf(in.readUTF());
            AveragedModel restored = new AveragedModel(template, decay, statistics);
            restored.count = in.readLong();
            restored.lastIteration = in.readInt();
            restored.lastEpoch = in.readInt();
            String savedLayout = in.readUTF();
            if (!savedLayout.equals(restored.layout.describe())) {
                throw new IllegalArgumentException(file + " holds an average of a different network layout: saved "
                        + abbreviate(savedLayout) + ", template " + abbreviate(restored.layout.describe()));
            }
            restored.accumulator.assign(Nd4j.read(in));
            restored.scale = 1.0;
            int k = in.readInt();
            if (k != restored.statValues.length) {
                throw new IllegalArgumentException(file + " holds " + k + " statistics arrays, expected "
                        + restored.statValues.length);
            }
            for (INDArray values : restored.statValues) {
                values.assign(Nd4j.read(in));
            }
            restored.dirty = true;
            restored.model();
            return restored;
        }
    }

    private double weightOfNew() {
        if (count == 0) {
            return 1.0;
        }
        return isEma() ? 1 - decay : 1.0 / (count + 1);
    }

    private void bind(Model net) {
        if (net == null) {
            throw new IllegalArgumentException("net must not be null");
        }
        INDArray flat = net.params();
        if (net == boundNet && flat == boundFlat) {
            return;
        }
        layout.requireSame(ParamLayout.of(net));
        INDArray[] live = new INDArray[statRanges.size()];
        for (int i = 0; i < live.length; i++) {
            live[i] = slice(flat, statRanges.get(i));
        }
        statLive = live;
        boundNet = net;
        boundFlat = flat;
    }

    private String describeNonFinite(INDArray w) {
        for (ParamLayout.Range r : layout.ranges()) {
            INDArray view = slice(w, r);
            if (!Double.isFinite(view.sumNumber().doubleValue())) {
                double[] values = view.toDoubleVector();
                for (int j = 0; j < values.length; j++) {
                    if (!Double.isFinite(values[j])) {
                        return "network parameter " + r.name() + " has non-finite value " + values[j]
                                + " at index " + j;
                    }
                }
            }
        }
        return "network parameters sum to a non-finite value " + w.sumNumber();
    }

    /*
     * The three flat-vector kernels go to BLAS (OpenBLAS on the CPU backend) when the arrays are
     * plain contiguous float/double vectors: measured here, ND4J's own elementwise ops on a 1M vector
     * take tens of times longer than the BLAS calls. Anything else falls back to ND4J ops.
     */
    private static boolean blasCompatible(INDArray a) {
        return (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE) && a.offset() == 0
                && a.elementWiseStride() == 1 && a.length() <= Integer.MAX_VALUE;
    }

    /** sum |x_i|; not finite iff some x_i is NaN or infinite (or the sum overflows). */
    private static double absSum(INDArray x) {
        return blasCompatible(x) ? Nd4j.getBlasWrapper().level1().asum(x) : x.norm1Number().doubleValue();
    }

    /** y += alpha * x. */
    private static void axpy(double alpha, INDArray x, INDArray y) {
        if (blasCompatible(x) && blasCompatible(y) && x.dataType() == y.dataType()) {
            Nd4j.getBlasWrapper().level1().axpy(x.length(), alpha, x, y);
        } else {
            Nd4j.exec(new Axpy(x, y, y, alpha));
        }
    }

    /** x *= alpha. */
    private static void scal(double alpha, INDArray x) {
        if (blasCompatible(x)) {
            Nd4j.getBlasWrapper().level1().scal(x.length(), alpha, x);
        } else {
            x.muli(alpha);
        }
    }

    private static INDArray slice(INDArray flat, ParamLayout.Range r) {
        return flat.reshape(flat.length()).get(NDArrayIndex.interval(r.offset(), r.offset() + r.length()));
    }

    private static double minNormal(INDArray a) {
        return switch (a.dataType()) {
            case DOUBLE -> Double.MIN_NORMAL;
            case FLOAT -> Float.MIN_NORMAL;
            default -> 6.103515625e-5; // smallest normal half; also safe for bfloat16
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
