package org.swa4j.core;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SWA-Gaussian (SWAG): a Gaussian over a network's trainable weights fitted to the iterates that SWA
 * averages (Maddox, Izmailov, Garipov, Vetrov, Wilson, "A Simple Baseline for Bayesian Uncertainty in
 * Deep Learning", NeurIPS 2019; reference code {@code wjmaddox/swa_gaussian},
 * {@code swag/posteriors/swag.py}). Call {@link #collect} where SWA would average (after each epoch
 * from {@code swa_start}, e.g. through {@link #collector}); after weights {@code t_1..t_n}:
 * <pre>
 *   mean      = (1/n) sum_i t_i                      the first moment, SWA's solution
 *   sq        = (1/n) sum_i t_i * t_i                the second moment (element-wise)
 *   var       = max(sq - mean * mean, 1e-30)         the diagonal, clamped as the reference's var_clamp
 *   D         = [d_(n-m+1) ... d_n]                  the last m = min(n, K) deviations,
 *   d_i       = t_i - mean_i                           mean_i the running mean after t_i (as the reference)
 *   Sigma     = 1/2 (diag(var) + D D^T / (m - 1))
 *   sample    = mean + sqrt(scale) (sqrt(var) * z1 + D z2 / sqrt(m - 1)),   z1 ~ N(0, I_N), z2 ~ N(0, I_m)
 * </pre>
 * A sample's covariance is {@code 2 scale Sigma}: the default scale 1/2 draws from {@code N(mean, Sigma)},
 * as the reference's {@code sample(scale=0.5)}, the scale its experiments use for SWAG (they use 1 for
 * SWAG-Diagonal, i.e. {@code N(mean, diag(var))}: pass it explicitly). {@link #diagonal} keeps no
 * deviations (SWAG-Diagonal); with fewer than two deviations held, {@link #lowRank}'s low-rank term is
 * left out. The reference divides by {@code K - 1} even before it holds K deviations; here it is
 * {@code m - 1}, the sample covariance of the deviations held (the same from the K-th collection on).
 *
 * <p>The second moment is held as the centred sum {@code M2 = sum_i (t_i - mean)^2}, updated with
 * Welford's {@code M2 += n / (n - 1) d_n * d_n} from the deviation {@code d_n} computed anyway, so that
 * {@code var = M2 / n} (equal to {@code sq - mean * mean}) keeps its digits: in float, weights near 1
 * that vary by 1e-4 have a variance of 1e-8, below the rounding of {@code sq} itself (6e-8). Since
 * {@code M2 >= 0}, the clamp only guards coordinates that never moved. The first moment is held as the
 * sum of the weights.
 *
 * <p>BatchNorm running statistics that DL4J keeps in {@code params()} are not part of the Gaussian:
 * collect keeps the latest values and {@link #mean} and {@link #sample} write them unchanged (as
 * {@link AveragedModel}'s default {@link BatchNormStatistics#COPY}); recompute them for each sample
 * with {@link BatchNormUpdate}, as {@link BayesianAverage} does.
 *
 * <p>Cost. Memory: the sum, {@code M2} and a working vector (3N values, the network's type, native
 * memory) plus K deviation rows (K N values), in memory or, with {@link #lowRankOnDisk}, in a file
 * (then sampling holds one block of at most {@value #DISK_BLOCK_VALUES} values). {@link #bytes} and
 * {@link #diskBytes} report them. WideResNet-28-10 (36.5M weights) with K = 20 in float: the rows alone
 * 36.5M x 20 x 4 B = 2.92 GB, 3.36 GB in all. Time: a collect is a finiteness check (BLAS asum),
 * {@code S += t} (axpy), {@code d = t - S / n} (one pass), {@code M2 += c d * d} (two passes); a sample is
 * one pass that draws N normal deviates ({@link NormalNoise}'s ziggurat), reads the sum and {@code sqrt(var)}
 * (computed once after each collection) and writes the network, then one gemm that reads the K rows once.
 * Neither allocates an array of the weights' size. {@code SwagBenchmark} (swa-experiments) measures them
 * against SWA's update, a copy and the floors they cannot go below.
 *
 * <p>Rejects (IllegalArgumentException naming the value): a rank {@code K < 2}; a negative or
 * non-finite scale; null arguments; a model that is not an initialised MultiLayerNetwork or
 * ComputationGraph in float or double; a network of another layout than the one collected; weights
 * holding NaN or infinity (the parameter is named; they are never collected); a state file of another
 * form, rank, type or layout, or a damaged one. Sampling before anything was collected is an
 * IllegalStateException. Not thread-safe.
 */
public final class Swag<T extends Model> {

    /** The reference's number of deviations K ({@code max_num_models = 20}). */
    public static final int DEFAULT_RANK = 20;
    /** The scale that draws from {@code N(mean, Sigma)}. */
    public static final double DEFAULT_SCALE = 0.5;
    /** The floor of the diagonal variance (the reference's {@code var_clamp}). */
    public static final double VARIANCE_FLOOR = 1e-30;
    /** Values of deviations read back per block when the rows are on disk (64 MB in float). */
    public static final int DISK_BLOCK_VALUES = 1 << 24;

    private static final String MAGIC = "swa4j-swag";
    private static final int FORMAT_VERSION = 1;
    private static final String DEVIATION_FILE = "swag-deviations.bin";

    private final ParamLayout layout;
    private final Supplier<Model> factory;
    private final int rank;
    private final DataType type;
    private final long length;
    private final INDArray sum;
    private final INDArray centred;
    private final INDArray scratch;
    private final DeviationStore deviations;
    private final Path deviationFile;
    private final List<ParamLayout.Range> statRanges;
    private final INDArray[] statValues;
    private boolean scratchHoldsSigma;
    private long count;
    private int lastIteration = -1;
    private int lastEpoch = -1;
    private Binding source;
    private Binding target;

    /** A network's flat parameters as a vector, and views of its BatchNorm statistics. */
    private record Binding(Model net, INDArray flat, INDArray vector, INDArray[] stats) {
    }

    private Swag(Model net, int rank, Path directory, int blockValues) {
        this.layout = ParamLayout.of(net);
        this.factory = NetworkCopies.factory(net);
        INDArray flat = net.params();
        if (!NativeVectors.supported(flat.dataType())) {
            throw new IllegalArgumentException("SWAG needs a float or double network, got " + flat.dataType());
        }
        this.rank = rank;
        this.type = flat.dataType();
        this.length = flat.length();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.sum = Nd4j.zeros(type, length);
            this.centred = Nd4j.zeros(type, length);
            this.scratch = Nd4j.zeros(type, length);
            this.deviationFile = directory == null ? null : directory.resolve(DEVIATION_FILE);
            if (rank == 0) {
                this.deviations = null;
            } else if (directory == null) {
                this.deviations = DeviationStore.inMemory(rank, length, type);
            } else {
                this.deviations = DeviationStore.onDisk(rank, length, type, deviationFile, Math.max(1, blockValues / rank));
            }
            this.statRanges = layout.statistics();
            this.statValues = new INDArray[statRanges.size()];
            INDArray vector = flat.reshape(length);
            for (int i = 0; i < statValues.length; i++) {
                statValues[i] = slice(vector, statRanges.get(i)).dup();
            }
        }
    }

    /** SWAG-Diagonal: the moments only, no deviations. */
    public static <T extends Model> Swag<T> diagonal(T net) {
        return new Swag<>(requireNet(net), 0, null, 0);
    }

    /** SWAG with the last {@value #DEFAULT_RANK} deviations, in memory. */
    public static <T extends Model> Swag<T> lowRank(T net) {
        return lowRank(net, DEFAULT_RANK);
    }

    /** SWAG with the last {@code rank} (K >= 2) deviations, in memory. */
    public static <T extends Model> Swag<T> lowRank(T net, int rank) {
        requireRank(rank);
        return new Swag<>(requireNet(net), rank, null, 0);
    }

    /**
     * SWAG with the last {@code rank} (K >= 2) deviations kept in the file {@code swag-deviations.bin}
     * in {@code directory} (created if absent; an existing file is overwritten and left there
     * afterwards), for networks whose K copies do not fit in memory.
     */
    public static <T extends Model> Swag<T> lowRankOnDisk(T net, int rank, Path directory) throws IOException {
        return lowRankOnDisk(net, rank, directory, DISK_BLOCK_VALUES);
    }

    /** As {@link #lowRankOnDisk(Model, int, Path)}, reading back blocks of {@code blockValues} values. */
    static <T extends Model> Swag<T> lowRankOnDisk(T net, int rank, Path directory, int blockValues) throws IOException {
        requireRank(rank);
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        Files.createDirectories(directory);
        return new Swag<>(requireNet(net), rank, directory, blockValues);
    }

    /**
     * Folds {@code net}'s current weights into the moments and, for the low-rank form, stores their
     * deviation from the new mean in place of the oldest one; the BatchNorm statistics are kept as they
     * are.
     *
     * @throws IllegalArgumentException if {@code net}'s layout differs, or its weights hold NaN or
     *     infinity (then nothing changes)
     */
    public void collect(Model net) {
        Binding b = source = bind(net, source, "net");
        INDArray w = b.vector;
        if (!Double.isFinite(NativeVectors.absSum(w))) {
            throw new IllegalArgumentException(layout.describeNonFinite(w) + "; not collected into SWAG");
        }
        long n = count + 1;
        int slot = (int) (count % Math.max(1, rank));
        NativeVectors.axpy(1.0, w, sum);
        INDArray d = deviations == null ? scratch : deviations.destination(slot, scratch);
        NativeVectors.axpyInto(-1.0 / n, sum, w, d);
        if (deviations != null) {
            deviations.store(slot, d);
        }
        if (n > 1) {
            NativeVectors.multiply(d, d, scratch);
            NativeVectors.axpyAfterNativeOps(n / (n - 1.0), scratch, centred);
        }
        scratchHoldsSigma = false;
        for (int i = 0; i < statValues.length; i++) {
            statValues[i].assign(b.stats[i]);
        }
        count = n;
        lastIteration = BaseOptimizer.getIterationCount(net);
        lastEpoch = BaseOptimizer.getEpochCount(net);
    }

    /**
     * Writes the mean (SWA's solution) and the latest BatchNorm statistics into {@code target}.
     *
     * @return {@code target}
     * @throws IllegalStateException if nothing was collected
     */
    public T mean(T target) {
        Binding t = this.target = bind(target, this.target, "target");
        requireCollected();
        t.vector.assign(sum);
        NativeVectors.scal(1.0 / count, t.vector);
        writeStatistics(t);
        return target;
    }

    /** {@link #sample(SplittableRandom, double, Model)} with scale 1/2: a draw from {@code N(mean, Sigma)}. */
    public T sample(SplittableRandom rng, T target) {
        return sample(rng, DEFAULT_SCALE, target);
    }

    /**
     * Writes {@code mean + sqrt(scale) (sqrt(var) * z1 + D z2 / sqrt(m - 1))} and the latest BatchNorm
     * statistics into {@code target}, the noise drawn from one {@code nextLong()} of {@code rng}: the
     * same generator state gives the same sample. Scale 0 writes exactly {@link #mean}.
     *
     * @return {@code target}
     * @throws IllegalArgumentException if {@code scale} is negative or not finite, or an argument is null
     * @throws IllegalStateException if nothing was collected
     */
    public T sample(SplittableRandom rng, double scale, T target) {
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
        if (!(scale >= 0 && scale < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("scale must be finite and >= 0, got " + scale);
        }
        Binding t = this.target = bind(target, this.target, "target");
        requireCollected();
        SplittableRandom draws = new SplittableRandom(rng.nextLong());
        if (scale == 0) {
            return mean(target);
        }
        double root = Math.sqrt(scale);
        int held = held();
        double[] z2 = new double[held];
        for (int j = 0; j < held; j++) {
            z2[j] = draws.nextGaussian() * root / Math.sqrt(held - 1.0);
        }
        INDArray y = t.vector;
        SwagPasses.draw(sum, sigma(), count, root, NormalNoise.chunkSeeds(draws, length), y);
        if (held >= 2) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                deviations.addCombination(Nd4j.createFromArray(z2).castTo(type).reshape(1, held), held, y);
            }
        }
        writeStatistics(t);
        return target;
    }

    /**
     * A new network of the collected architecture to draw samples into, initialised by its
     * configuration and then, if anything was collected, holding the mean.
     */
    @SuppressWarnings("unchecked")
    public T newNetwork() {
        T net = (T) factory.get();
        return count == 0 ? net : mean(net);
    }

    /**
     * A training listener that collects whenever {@code trigger} says so, e.g.
     * {@code new AveragingListener.Trigger.EpochsFrom(swaStart, 1)} for SWA's epochs; on resume, a
     * position already collected is skipped.
     */
    public TrainingListener collector(AveragingListener.Trigger trigger) {
        if (trigger == null) {
            throw new IllegalArgumentException("trigger must not be null");
        }
        return new Collector(this, trigger);
    }

    /** Number of weight vectors collected. */
    public long count() {
        return count;
    }

    /** K, the most deviations kept (0 for the diagonal form). */
    public int rank() {
        return rank;
    }

    /** Deviations held now, {@code min(count, K)} (0 for the diagonal form). */
    public int held() {
        return deviations == null ? 0 : (int) Math.min(count, rank);
    }

    /** The file holding the deviations, or null when they are in memory (or there are none). */
    public Path deviationFile() {
        return deviationFile;
    }

    /** Bytes of native memory held: the moments, the working vector, the deviations in memory, the statistics. */
    public long bytes() {
        long statBytes = 0;
        for (INDArray s : statValues) {
            statBytes += s.length() * type.width();
        }
        return 3 * length * type.width() + statBytes + (deviations == null ? 0 : deviations.memoryBytes());
    }

    /** Bytes of the deviation file (0 when the deviations are in memory). */
    public long diskBytes() {
        return deviations == null ? 0 : deviations.diskBytes();
    }

    /** Iteration count of the network at the last collection (-1 before the first). */
    public int lastIteration() {
        return lastIteration;
    }

    /** Epoch count of the network at the last collection (-1 before the first). */
    public int lastEpoch() {
        return lastEpoch;
    }

    /**
     * Writes the state exactly (the sum, {@code M2}, the deviations held, the statistics, the count
     * and the position of the last collection), header and data each with a CRC-32, to a temporary
     * file renamed to {@code file} when complete.
     */
    public void save(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        CRC32 crc = new CRC32();
        try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                new BufferedOutputStream(Files.newOutputStream(partial)), crc))) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(rank);
            out.writeUTF(type.name());
            out.writeUTF(ByteOrder.nativeOrder().toString());
            out.writeLong(length);
            out.writeUTF(layout.describe());
            out.writeLong(count);
            out.writeInt(lastIteration);
            out.writeInt(lastEpoch);
            out.flush();
            out.writeLong(crc.getValue());
            DeviationStore.writeRaw(out, sum, 0, length);
            DeviationStore.writeRaw(out, centred, 0, length);
            if (deviations != null) {
                deviations.write(out, held());
            }
            for (INDArray s : statValues) {
                DeviationStore.writeRaw(out, s, 0, s.length());
            }
            out.flush();
            out.writeLong(crc.getValue());
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Replaces this object's state with one written by {@link #save}, which must come from a SWAG of
     * the same form and rank over the same layout and type; collecting on continues bit for bit as the
     * saved object would have.
     *
     * @throws IllegalArgumentException naming the file and the difference if it is not a saved SWAG
     *     state, was saved for another form, rank, type or layout, or its header or data fail their
     *     checksum or end early (after a data failure this object is left empty, count 0)
     */
    public void restore(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        CRC32 crc = new CRC32();
        try (DataInputStream in = new DataInputStream(new CheckedInputStream(
                new BufferedInputStream(Files.newInputStream(file)), crc))) {
            readMagic(in, file);
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException(file + " has SWAG format version " + version
                        + "; this library reads version " + FORMAT_VERSION);
            }
            int savedRank;
            String savedType;
            String order;
            long savedLength;
            String savedLayout;
            long savedCount;
            int savedIteration;
            int savedEpoch;
            try {
                savedRank = in.readInt();
                savedType = in.readUTF();
                order = in.readUTF();
                savedLength = in.readLong();
                savedLayout = in.readUTF();
                savedCount = in.readLong();
                savedIteration = in.readInt();
                savedEpoch = in.readInt();
            } catch (UTFDataFormatException e) {
                throw new IllegalArgumentException(file + " has a corrupted header (unreadable text)", e);
            }
            long expected = crc.getValue();
            if (in.readLong() != expected) {
                throw new IllegalArgumentException(file + " has a corrupted header (CRC-32 mismatch)");
            }
            if (savedRank != rank) {
                throw new IllegalArgumentException(file + " holds " + describeForm(savedRank) + ", this one is "
                        + describeForm(rank));
            }
            if (!savedType.equals(type.name()) || !order.equals(ByteOrder.nativeOrder().toString())) {
                throw new IllegalArgumentException(file + " holds " + savedType + " values in " + order + " order; this "
                        + "SWAG holds " + type + " in " + ByteOrder.nativeOrder());
            }
            if (savedLength != length || !savedLayout.equals(layout.describe())) {
                throw new IllegalArgumentException(file + " holds a SWAG of a different network layout: saved "
                        + abbreviate(savedLayout) + ", this one " + abbreviate(layout.describe()));
            }
            if (savedCount < 0) {
                throw new IllegalArgumentException(file + " holds a negative count " + savedCount);
            }
            count = 0;
            try {
                DeviationStore.readRaw(in, sum, 0, length);
                DeviationStore.readRaw(in, centred, 0, length);
                int savedHeld = rank == 0 ? 0 : (int) Math.min(savedCount, rank);
                if (deviations != null) {
                    deviations.read(in, savedHeld);
                }
                for (INDArray s : statValues) {
                    DeviationStore.readRaw(in, s, 0, s.length());
                }
                long data = crc.getValue();
                if (in.readLong() != data) {
                    throw new IllegalArgumentException(file + " has corrupted data (CRC-32 mismatch); nothing restored");
                }
            } catch (IllegalArgumentException | IOException e) {
                sum.assign(0);
                centred.assign(0);
                throw e;
            }
            count = savedCount;
            lastIteration = savedIteration;
            lastEpoch = savedEpoch;
            scratchHoldsSigma = false;
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " ends early: it is truncated or not a complete SWAG state", e);
        }
    }

    /** sqrt(max(M2 / n, floor)), computed into the working vector once after each collection. */
    private INDArray sigma() {
        if (!scratchHoldsSigma) {
            scratch.assign(centred);
            NativeVectors.scal(1.0 / count, scratch);
            Transforms.max(scratch, VARIANCE_FLOOR, false);
            Transforms.sqrt(scratch, false);
            scratchHoldsSigma = true;
        }
        return scratch;
    }

    /** The mean, {@code S / n} (a copy; statistics' entries included). For tests. */
    INDArray firstMoment() {
        requireCollected();
        return sum.dup().divi(count);
    }

    /** {@code M2 / n}, the diagonal variance before its floor (a copy). For tests. */
    INDArray variance() {
        requireCollected();
        return centred.dup().divi(count);
    }

    /** The deviations held, oldest first ({@code [m, N]}, a copy). For tests. */
    INDArray deviationsOldestFirst() {
        int held = held();
        INDArray out = Nd4j.create(type, held, length);
        for (int j = 0; j < held; j++) {
            int slot = (int) ((count - held + j) % rank);
            out.getRow(j).assign(deviations.row(slot));
        }
        return out;
    }

    private void writeStatistics(Binding t) {
        for (int i = 0; i < statValues.length; i++) {
            t.stats[i].assign(statValues[i]);
        }
    }

    private void requireCollected() {
        if (count == 0) {
            throw new IllegalStateException("SWAG has collected no weights yet; collect at least once first");
        }
    }

    private Binding bind(Model net, Binding cached, String name) {
        if (net == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        INDArray flat = net.params();
        if (cached != null && cached.net == net && cached.flat == flat) {
            return cached;
        }
        layout.requireSame(ParamLayout.of(net));
        if (flat.dataType() != type) {
            throw new IllegalArgumentException(name + " holds " + flat.dataType() + " parameters, SWAG holds " + type);
        }
        INDArray vector = flat.reshape(length);
        INDArray[] stats = new INDArray[statRanges.size()];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = slice(vector, statRanges.get(i));
        }
        return new Binding(net, flat, vector, stats);
    }

    private static INDArray slice(INDArray vector, ParamLayout.Range r) {
        return vector.get(NDArrayIndex.interval(r.offset(), r.offset() + r.length()));
    }

    private static void readMagic(DataInputStream in, Path file) throws IOException {
        String magic;
        try {
            magic = in.readUTF();
        } catch (UTFDataFormatException | EOFException e) {
            throw new IllegalArgumentException(file + " is not a saved SWAG state (no readable header)", e);
        }
        if (!MAGIC.equals(magic)) {
            throw new IllegalArgumentException(file + " is not a saved SWAG state (header '" + abbreviate(magic) + "')");
        }
    }

    private static String describeForm(int rank) {
        return rank == 0 ? "a diagonal SWAG" : "a SWAG of rank K = " + rank;
    }

    private static <T extends Model> T requireNet(T net) {
        if (net == null) {
            throw new IllegalArgumentException("net must not be null");
        }
        return net;
    }

    private static void requireRank(int rank) {
        if (rank < 2) {
            throw new IllegalArgumentException("rank K (deviations kept) must be >= 2, got " + rank);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** Collects into a SWAG from inside {@code fit} when a trigger fires. */
    private static final class Collector extends BaseTrainingListener {
        private final Swag<?> swag;
        private final AveragingListener.Trigger trigger;

        Collector(Swag<?> swag, AveragingListener.Trigger trigger) {
            this.swag = swag;
            this.trigger = trigger;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            if (trigger.afterIteration(iteration)) {
                collect(model);
            }
        }

        @Override
        public void onEpochEnd(Model model) {
            if (trigger.afterEpoch(BaseOptimizer.getEpochCount(model))) {
                collect(model);
            }
        }

        private void collect(Model model) {
            if (swag.count() > 0 && BaseOptimizer.getIterationCount(model) <= swag.lastIteration()
                    && BaseOptimizer.getEpochCount(model) <= swag.lastEpoch()) {
                return;
            }
            swag.collect(model);
        }
    }
}
