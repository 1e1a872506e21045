package org.swa4j.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SWAG's Bayesian model average (Maddox et al. 2019, Section 4; {@code swa_gaussian
 * experiments/uncertainty/uncertainty.py}):
 * <pre>  p(y | x) = (1 / S) sum_s softmax(f(x; w_s)),   w_s ~ N(mean, Sigma) drawn by {@link Swag#sample}</pre>
 * streamed: each sample is drawn into one working network, its BatchNorm statistics are recomputed on
 * the given data ({@link BatchNormUpdate}, the reference's {@code bn_update} per sample), and its
 * outputs over the evaluation data are added to a running sum, so that S networks are never held at
 * once. The network's output layer is expected to apply the softmax (as a DL4J classifier's
 * {@code OutputLayer} does); whatever {@code output(x)} returns is averaged.
 *
 * <p>Deterministic given the generator's state: sample s uses the generator's s-th {@code nextLong()}.
 * Cost per sample: one draw, one BatchNorm update pass and one inference pass over the evaluation data.
 * Several evaluation sets (a test set and its corrupted copies) share the samples: each sample is drawn
 * and BatchNorm-updated once and then predicts every set
 * ({@link #predict(Swag, SplittableRandom, double, int, DataSetIterator, List)}). The overloads that take an
 * {@code IntConsumer} call it after each sample with the number of samples done (1 to S), so that a caller
 * can show the progress of a long average: S BatchNorm passes over the training set can take minutes.
 *
 * <p>Rejects (IllegalArgumentException naming the value): null arguments, no evaluation set, {@code samples < 1}, a
 * negative or non-finite scale, a ComputationGraph without exactly one input and one output, an
 * evaluation iterator that cannot be reset when more than one sample is drawn, or one that gives
 * different batches from one pass to the next.
 */
public final class BayesianAverage {

    /** The reference's number of samples ({@code --N}, default 30). */
    public static final int DEFAULT_SAMPLES = 30;

    private BayesianAverage() {
    }

    /** The average over {@value #DEFAULT_SAMPLES} samples at scale 1/2 (draws from {@code N(mean, Sigma)}). */
    public static INDArray predict(Swag<?> swag, SplittableRandom rng, DataSetIterator bnData, DataSetIterator data) {
        return predict(swag, rng, Swag.DEFAULT_SCALE, DEFAULT_SAMPLES, bnData, data);
    }

    /**
     * The mean over {@code samples} draws of {@code swag} at {@code scale} of the network's outputs
     * for every example of {@code data}, in the iterator's order ({@code [examples, outputs]}).
     *
     * @param bnData the data the BatchNorm statistics of each sample are recomputed on (the training data)
     */
    public static INDArray predict(Swag<?> swag, SplittableRandom rng, double scale, int samples,
            DataSetIterator bnData, DataSetIterator data) {
        return predict(swag, rng, scale, samples, bnData, data, done -> {
        });
    }

    /**
     * As {@link #predict(Swag, SplittableRandom, double, int, DataSetIterator, DataSetIterator)}, calling
     * {@code afterSample} with the number of samples done after each sample has predicted {@code data}.
     */
    public static INDArray predict(Swag<?> swag, SplittableRandom rng, double scale, int samples,
            DataSetIterator bnData, DataSetIterator data, IntConsumer afterSample) {
        if (data == null) {
            throw new IllegalArgumentException("swag, rng, bnData and data must not be null (got "
                    + Arrays.toString(new Object[] {swag, rng, bnData, data}) + ")");
        }
        return predict(swag, rng, scale, samples, bnData, List.of(data), afterSample).get(0);
    }

    /**
     * The Bayesian model average on several evaluation sets with the same samples: each of the
     * {@code samples} draws is made and its BatchNorm statistics recomputed once, then it predicts every
     * set in {@code datasets} in turn, its outputs added to that set's running sum. Element d of the result
     * is what {@link #predict(Swag, SplittableRandom, double, int, DataSetIterator, DataSetIterator)} returns
     * for {@code datasets.get(d)} alone from the same generator state; the cost is S draws and S BatchNorm
     * updates in all, plus S inference passes over each set (instead of S draws and updates per set).
     *
     * @param bnData the data the BatchNorm statistics of each sample are recomputed on (the training data)
     * @return one {@code [examples, outputs]} array per set, in the order of {@code datasets}
     */
    public static List<INDArray> predict(Swag<?> swag, SplittableRandom rng, double scale, int samples,
            DataSetIterator bnData, List<? extends DataSetIterator> datasets) {
        return predict(swag, rng, scale, samples, bnData, datasets, done -> {
        });
    }

    /**
     * As {@link #predict(Swag, SplittableRandom, double, int, DataSetIterator, List)}, calling
     * {@code afterSample} with the number of samples done after each sample has predicted every set.
     */
    public static List<INDArray> predict(Swag<?> swag, SplittableRandom rng, double scale, int samples,
            DataSetIterator bnData, List<? extends DataSetIterator> datasets, IntConsumer afterSample) {
        if (swag == null || rng == null || bnData == null || datasets == null || datasets.stream().anyMatch(d -> d == null)
                || afterSample == null) {
            throw new IllegalArgumentException("swag, rng, bnData, every evaluation set and afterSample must not be null (got "
                    + Arrays.toString(new Object[] {swag, rng, bnData, datasets, afterSample}) + ")");
        }
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException("no evaluation set given: name at least one");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples S must be >= 1, got " + samples);
        }
        if (!(scale >= 0 && scale < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("scale must be finite and >= 0, got " + scale);
        }
        for (int d = 0; d < datasets.size(); d++) {
            if (samples > 1 && !datasets.get(d).resetSupported()) {
                throw new IllegalArgumentException("data iterator " + datasets.get(d).getClass().getSimpleName()
                        + (datasets.size() > 1 ? " (evaluation set " + d + ")" : "") + " cannot be reset; " + samples
                        + " samples need " + samples + " passes over it");
            }
        }
        return average(swag, rng, scale, samples, bnData, datasets, afterSample);
    }

    private static <T extends Model> List<INDArray> average(Swag<T> swag, SplittableRandom rng, double scale, int samples,
            DataSetIterator bnData, List<? extends DataSetIterator> datasets, IntConsumer afterSample) {
        T work = swag.newNetwork();
        if (work instanceof ComputationGraph cg && (cg.getNumInputArrays() != 1 || cg.getNumOutputArrays() != 1)) {
            throw new IllegalArgumentException("ComputationGraph has " + cg.getNumInputArrays() + " inputs and "
                    + cg.getNumOutputArrays() + " outputs; BayesianAverage supports 1 and 1");
        }
        List<List<INDArray>> sums = new ArrayList<>();
        for (int d = 0; d < datasets.size(); d++) {
            sums.add(new ArrayList<>());
        }
        for (int s = 0; s < samples; s++) {
            swag.sample(rng, scale, work);
            BatchNormUpdate.run(work, bnData);
            for (int d = 0; d < datasets.size(); d++) {
                addPass(work, datasets.get(d), sums.get(d), s);
            }
            afterSample.accept(s + 1);
        }
        List<INDArray> means = new ArrayList<>();
        for (int d = 0; d < datasets.size(); d++) {
            List<INDArray> parts = sums.get(d);
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("data iterator " + datasets.get(d).getClass().getSimpleName() + " has no batches");
            }
            INDArray mean = parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
            means.add(mean.divi(samples));
        }
        return means;
    }

    /** Adds sample {@code s}'s outputs over one pass of {@code data} to {@code sums}, one array per batch. */
    private static void addPass(Model work, DataSetIterator data, List<INDArray> sums, int s) {
        if (data.resetSupported()) {
            data.reset();
        }
        int batch = 0;
        while (data.hasNext()) {
            DataSet next = data.next();
            INDArray out = output(work, next.getFeatures());
            if (s == 0) {
                sums.add(out.dup());
            } else if (batch >= sums.size() || !Arrays.equals(sums.get(batch).shape(), out.shape())) {
                throw new IllegalArgumentException("data iterator " + data.getClass().getSimpleName() + " gave batch "
                        + batch + " of shape " + Arrays.toString(out.shape()) + " on sample " + (s + 1)
                        + ", unlike the first pass (" + sums.size() + " batches)");
            } else {
                sums.get(batch).addi(out);
            }
            batch++;
        }
        if (batch != sums.size()) {
            throw new IllegalArgumentException("data iterator " + data.getClass().getSimpleName() + " gave " + batch
                    + " batches on sample " + (s + 1) + " and " + sums.size() + " on the first");
        }
    }

    private static INDArray output(Model net, INDArray features) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.output(features, false);
        }
        return ((ComputationGraph) net).output(false, features)[0];
    }
}
