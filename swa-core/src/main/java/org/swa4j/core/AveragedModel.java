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
 * {@code avg = (1 - a) avg + a w} with the weight {@code a} of the new weights given by an
 * {@link AveragingRule} (torch's {@code avg_fn}):
 * <ul>
 *   <li>{@link #swa(Model)}: equal running average, {@code avg += (w - avg) / (n + 1)}
 *       (Izmailov et al. 2018, eq. in Alg. 1; torch {@code get_swa_avg_fn}).</li>
 *   <li>{@link #ema(Model, double)}: exponential moving average,
 *       {@code avg = d * avg + (1 - d) * w} (torch {@code get_ema_avg_fn}).</li>
 *   <li>{@link #of(Model, AveragingRule)}: any other rule.</li>
 * </ul>
 * The first {@link #update(Model)} copies the weights, as torch's {@code AveragedModel} does.
 * {@link #model()} is a network of the averaged one's type ({@code AveragedModel<ComputationGraph>}
 * gives a {@code ComputationGraph}).
 *
 * <p>BatchNorm running statistics that DL4J stores inside {@code params()} (keys {@code mean},
 * {@code var}, {@code log10stdev} of BatchNormalization layers and {@link FusedBatchNorm} layers)
 * are copied from the live network by default, or averaged on request ({@link BatchNormStatistics}).
 *
 * <p>Implementation: the average is held as {@code avg = s * A} for a scalar {@code s}, so that an
 * update is one fused pass {@code s' = (1 - a) s; A += (a / s') w} over the weights (BLAS axpy), plus a
 * read-only check that they are finite (BLAS asum), and allocates no array. {@code A} is renormalised ({@code A *= s})
 * when {@code s} falls below 1e-10. {@link #model()} writes {@code s * A} into the held network.
 * {@link #save} writes {@code A}, {@code s} and the count as they are, so a loaded average continues
 * bit for bit as the saved one would have.
 *
 * <p>Rejects (IllegalArgumentException naming the value): a decay outside (0, 1); a model that is
 * not an initialised MultiLayerNetwork or ComputationGraph; a network whose kind, parameter count
 * or layout differs from the averaged one; weights containing NaN or infinity (never folded in).
 * Not thread-safe.
 */
public final class AveragedModel<T extends Model> {

    private static final double RENORMALISE_BELOW = 1e-10;
    private static final int FORMAT_VERSION = 2;
    private static final String MAGIC = "swa4j-averaged-model";

    private final AveragingRule rule;
    private final BatchNormStatistics statistics;
    private final ParamLayout layout;
    private final T average;
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

    @SuppressWarnings("unchecked")
    private AveragedModel(T net, AveragingRule rule, BatchNormStatistics statistics) {
        if (statistics == null) {
            throw new IllegalArgumentException("statistics must be COPY or AVERAGE, got null");
        }
        if (rule == null) {
            throw new IllegalArgumentException("rule must not be null");
        }
        this.layout = ParamLayout.of(net);
        this.rule = rule;
        this.statistics = statistics;
        this.average = (T) NetworkCopies.copyOf(net);
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
    public static <T extends Model> AveragedModel<T> swa(T net) {
        return of(net, AveragingRule.swa(), BatchNormStatistics.COPY);
    }

    /** Equal running average of the weights, with the given BatchNorm statistics handling. */
    public static <T extends Model> AveragedModel<T> swa(T net, BatchNormStatistics statistics) {
        return of(net, AveragingRule.swa(), statistics);
    }

    /** Exponential moving average {@code avg = d * avg + (1 - d) * w}, d in (0, 1); statistics copied. */
    public static <T extends Model> AveragedModel<T> ema(T net, double decay) {
        return of(net, AveragingRule.ema(decay), BatchNormStatistics.COPY);
    }

    /** Exponential moving average with the given BatchNorm statistics handling. */
    public static <T extends Model> AveragedModel<T> ema(T net, double decay, BatchNormStatistics statistics) {
        return of(net, AveragingRule.ema(decay), statistics);
    }

    /** An average of {@code net}'s weights by {@code rule}; statistics copied. */
    public static <T extends Model> AveragedModel<T> of(T net, AveragingRule rule) {
        return of(net, rule, BatchNormStatistics.COPY);
    }

    /** An average of {@code net}'s weights by {@code rule}, with the given BatchNorm statistics handling. */
    public static <T extends Model> AveragedModel<T> of(T net, AveragingRule rule, BatchNormStatistics statistics) {
        return new AveragedModel<>(net, rule, statistics);
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
            throw new IllegalArgumentException(layout.describeNonFinite(w) + "; not folded into the average");
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
    public T model() {
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

    /** The averaging rule. */
    public AveragingRule rule() {
        return rule;
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
     * Writes the averaging state exactly: the accumulator and its scale as they are held, the count,
     * the rule, the BatchNorm statistics and the iteration and epoch of the network at the last update,
     * so that {@link #load} resumes it bit for bit.
     */
    public void save(Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeUTF(ruleKind(rule));
            out.writeDouble(rule instanceof AveragingRule.Exponential e ? e.decay() : Double.NaN);
            out.writeUTF(statistics.name());
            out.writeLong(count);
            out.writeInt(lastIteration);
            out.writeInt(lastEpoch);
            out.writeUTF(layout.describe());
            out.writeDouble(scale);
            Nd4j.write(accumulator, out);
            out.writeInt(statValues.length);
            for (INDArray values : statValues) {
                Nd4j.write(values, out);
            }
        }
    }

    /**
     * Restores an averaging state written by {@link #save(Path)} with one of the built-in rules.
     * {@code template} is a network of the averaged architecture (typically the live network being
     * resumed); its weights are not used.
     *
     * @throws IllegalArgumentException if the file is not a saved averaging state, was saved for a
     *     network whose layout differs from {@code template}'s, or with a rule of the user's own (use
     *     {@link #load(Path, Model, AveragingRule)})
     */
    public static <T extends Model> AveragedModel<T> load(Path file, T template) throws IOException {
        return load(file, template, null);
    }

    /**
     * Restores an averaging state written by {@link #save(Path)}, averaging on by {@code rule} (null: the
     * saved built-in rule). A built-in rule given here must equal the saved one.
     */
    public static <T extends Model> AveragedModel<T> load(Path file, T template, AveragingRule rule) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException(file + " is not a saved averaging state (header '" + magic + "')");
            }
            int version = in.readInt();
            if (version != 1 && version != FORMAT_VERSION) {
                throw new IllegalArgumentException(file + " has format version " + version
                        + "; this library reads versions 1 and " + FORMAT_VERSION);
            }
            String kind = version == 1 ? null : in.readUTF();
            double decay = in.readDouble();
            AveragingRule saved = version == 1 ? (Double.isNaN(decay) ? AveragingRule.swa() : AveragingRule.ema(decay))
                    : switch (kind) {
                        case "swa" -> AveragingRule.swa();
                        case "ema" -> AveragingRule.ema(decay);
                        default -> null;
                    };
            AveragingRule use = chooseRule(file, kind, saved, rule);
            BatchNormStatistics statistics = BatchNormStatistics.valueOf(in.readUTF());
            AveragedModel<T> restored = new AveragedModel<>(template, use, statistics);
            restored.count = in.readLong();
            restored.lastIteration = in.readInt();
            restored.lastEpoch = in.readInt();
            String savedLayout = in.readUTF();
            if (!savedLayout.equals(restored.layout.describe())) {
                throw new IllegalArgumentException(file + " holds an average of a different network layout: saved "
                        + abbreviate(savedLayout) + ", template " + abbreviate(restored.layout.describe()));
            }
            restored.scale = version == 1 ? 1.0 : in.readDouble();
            restored.accumulator.assign(Nd4j.read(in));
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

    private static String ruleKind(AveragingRule rule) {
        if (rule instanceof AveragingRule.Equal) {
            return "swa";
        }
        return rule instanceof AveragingRule.Exponential ? "ema" : "custom";
    }

    private static AveragingRule chooseRule(Path file, String kind, AveragingRule saved, AveragingRule given) {
        if (saved == null) {
            if (given == null) {
                throw new IllegalArgumentException(file + " was saved with an averaging rule of its own: pass that rule to "
                        + "AveragedModel.load(file, template, rule)");
            }
            return given;
        }
        if (given != null && !given.equals(saved)) {
            throw new IllegalArgumentException(file + " holds an average by rule " + saved + ", not " + given);
        }
        return saved;
    }

    private double weightOfNew() {
        if (count == 0) {
            return 1.0;
        }
        double a = rule.weightOfNew(count);
        if (!(a > 0 && a <= 1)) {
            throw new IllegalArgumentException("averaging rule " + rule + " gave the new weights a weight of " + a + " with "
                    + count + " networks averaged; it must be in (0, 1]");
        }
        return a;
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
