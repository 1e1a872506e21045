package org.swa4j.data.iterate;

import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.DataException;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.augment.ChannelNormaliser;
import org.swa4j.data.augment.ImageTransform;
import org.swa4j.data.image.ExampleSource;
import org.swa4j.data.image.RawImage;

/**
 * Batches of NCHW float images with one-hot labels, built on background threads ahead of the consumer.
 *
 * <p>Pass {@code e} visits the examples in {@link EpochOrder#shuffled} order (or file order when not
 * shuffling); the example at position {@code k} is transformed with a generator seeded by
 * {@link Seeds#augmentation(long, int, int)}, then normalised. So a batch depends only on (seed, e, batch
 * index), never on thread timing. Up to {@code 2 * workers} batches are prepared ahead; batches come out in
 * order. The last batch of a pass holds the remaining {@code n mod batchSize} examples unless
 * {@code dropLast}, in which case the iterator says so by {@link #batchesPerPass()} and the remainder is left
 * out of that pass only. {@code next(int)} is not supported (it would change the batching of a pass).
 * Rejects a batch size below 1, fewer than one worker, and {@code dropLast} with fewer examples than a batch.
 */
public final class PrefetchingBatchIterator implements EpochIterator {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final transient ExampleSource source;
    private final transient ImageTransform transform;
    private final ChannelNormaliser normaliser;
    private final List<String> classNames;
    private final int channels;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean dropLast;
    private final int prefetch;
    private final transient ThreadPoolExecutor pool;

    private int epoch;
    private boolean touched;
    private int[] order;
    private int nextToSubmit;
    private int nextToReturn;
    private final transient ArrayDeque<Future<DataSet>> ahead = new ArrayDeque<>();
    private DataSetPreProcessor preProcessor;

    /**
     * @param source     the examples
     * @param transform  geometric transform (augmentation or the fixed evaluation transform)
     * @param normaliser per-channel normalisation applied after the transform
     * @param classNames label names, one per class of the source
     * @param channels   channels of every image
     * @param batchSize  examples per batch, >= 1
     * @param seed       root seed of shuffling and augmentation
     * @param shuffle    reshuffle every pass (training) or keep file order (evaluation)
     * @param dropLast   leave out a final batch smaller than {@code batchSize}
     * @param workers    background threads, >= 1
     */
    public PrefetchingBatchIterator(ExampleSource source, ImageTransform transform, ChannelNormaliser normaliser,
                                    List<String> classNames, int channels, int batchSize, long seed, boolean shuffle,
                                    boolean dropLast, int workers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("worker threads " + workers + " must be >= 1");
        }
        if (dropLast && source.size() < batchSize) {
            throw new IllegalArgumentException("batch size " + batchSize + " exceeds the " + source.size()
                    + " examples; with dropLast no batch would remain");
        }
        if (classNames.size() != source.numClasses()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + source.numClasses() + " classes");
        }
        if (normaliser.channels() != channels) {
            throw new IllegalArgumentException("normaliser has " + normaliser.channels() + " channels, images have " + channels);
        }
        this.source = source;
        this.transform = transform;
        this.normaliser = normaliser;
        this.classNames = List.copyOf(classNames);
        this.channels = channels;
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.prefetch = 2 * workers;
        int id = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "swa4j-data-" + id + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ThreadPoolExecutor(workers, workers, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Batches in every pass. */
    public int batchesPerPass() {
        int n = source.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return nextToReturn < batchesPerPass();
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("pass " + epoch + " has no more batches; call reset() for the next pass");
        }
        start();
        Future<DataSet> head = ahead.poll();
        submitAhead();
        touched = true;
        nextToReturn++;
        return await(head);
    }

    private void start() {
        if (order == null) {
            order = shuffle ? EpochOrder.shuffled(source.size(), seed, epoch) : EpochOrder.identity(source.size());
            submitAhead();
        }
    }

    private void submitAhead() {
        while (ahead.size() < prefetch && nextToSubmit < batchesPerPass()) {
            int batch = nextToSubmit++;
            int[] passOrder = order;
            int passEpoch = epoch;
            DataSetPreProcessor pre = preProcessor;
            ahead.add(pool.submit(() -> build(batch, passOrder, passEpoch, pre)));
        }
    }

    private static DataSet await(Future<DataSet> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                re.addSuppressed(new DataException("rethrown from a background batch thread"));
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new DataException("building a batch failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while waiting for a batch", e);
        } catch (CancellationException e) {
            throw new DataException("batch was cancelled by a reset", e);
        }
    }

    private DataSet build(int batch, int[] passOrder, int passEpoch, DataSetPreProcessor pre) {
        int from = batch * batchSize;
        int to = Math.min(from + batchSize, source.size());
        int m = to - from;
        int oh = transform.outputHeight();
        int ow = transform.outputWidth();
        int per = channels * oh * ow;
        int k = classNames.size();
        float[] features = new float[m * per];
        float[] labels = new float[m * k];
        for (int j = 0; j < m; j++) {
            int index = passOrder[from + j];
            RawImage image = source.image(index);
            if (image.channels() != channels) {
                throw new CorruptDataException("example " + index, -1, "has " + image.channels() + " channels, expected " + channels);
            }
            SplittableRandom random = new SplittableRandom(Seeds.augmentation(seed, passEpoch, from + j));
            transform.apply(image, random, features, j * per);
            normaliser.apply(features, j * per, oh * ow);
            labels[j * k + source.label(index)] = 1f;
        }
        DataSet data = new DataSet(Nd4j.create(features, new long[] {m, channels, oh, ow}, 'c'),
                Nd4j.create(labels, new long[] {m, k}, 'c'));
        if (pre != null) {
            pre.preProcess(data);
        }
        return data;
    }

    private void dropPass() {
        for (Future<DataSet> f : ahead) {
            f.cancel(false);
        }
        ahead.clear();
        order = null;
        nextToSubmit = 0;
        nextToReturn = 0;
        touched = false;
    }

    @Override
    public void reset() {
        int next = touched ? epoch + 1 : epoch;
        dropPass();
        epoch = next;
    }

    @Override
    public void setEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " must be >= 0");
        }
        dropPass();
        this.epoch = epoch;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("next(" + num + ") would change the batching of a pass; batches have "
                + batchSize + " examples, use next()");
    }

    @Override
    public int inputColumns() {
        return channels * transform.outputHeight() * transform.outputWidth();
    }

    @Override
    public int totalOutcomes() {
        return classNames.size();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** False: batches are already prepared ahead here, a second asynchronous wrapper would only add copies. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    /** Sets a pre-processor, applied on the background threads to every batch not yet returned (those prepared ahead are rebuilt). */
    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
        for (Future<DataSet> f : ahead) {
            f.cancel(false);
        }
        ahead.clear();
        if (order != null) {
            nextToSubmit = nextToReturn;
            submitAhead();
        }
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return classNames;
    }

    /** Number of examples per pass, counting a partial last batch and excluding a dropped remainder. */
    public int examplesPerPass() {
        return dropLast ? batchesPerPass() * batchSize : source.size();
    }
}
