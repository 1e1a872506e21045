package org.swa4j.experiments.swag;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.BayesianAverage;
import org.swa4j.core.Swag;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.runner.Checkpoints;
import org.swa4j.experiments.train.RunSeeds;

/**
 * SWAG's evaluation at a budget, the one code path of the runner's SWAG (along the SWA run) and of
 * {@code swa swag DIR} (replaying the kept snapshots): the Bayesian model average
 * <pre>  p(y | x) = (1 / S) sum_s softmax(f(x; w_s)),   w_s ~ Swag.sample at the preset's scale</pre>
 * ({@link BayesianAverage}) of seed k after epoch e (0-based) of the SWA run, where
 * <ul>
 *   <li>the draws come from {@code new SplittableRandom(RunSeeds.swagSampling(k))}, sample s from its
 *       s-th {@code nextLong()}, the same generator at every budget; ND4J's own generator (dropout,
 *       Shake-Shake's mixing in the training-mode passes) is seeded with the same value first;</li>
 *   <li>sample s's BatchNorm statistics are recomputed on pass e + s of the run's BatchNorm-update
 *       stream ({@link RunSeeds#batchNormData}): the pass SWA's own evaluation after epoch e uses, then
 *       the following ones;</li>
 *   <li>the test set is served in the run's evaluation batches, and the metrics (accuracy, NLL, ECE and
 *       its reliability diagram) are those of {@link MetricsAccumulator} on the averaged probabilities.</li>
 * </ul>
 * Cost: S x (one BatchNorm-update pass over the training set + one pass over the test set), plus S draws
 * (N normal numbers and a product with the K deviations each).
 *
 * <p>{@link #save} writes what a budget leaves in the results directory: the SWAG's state
 * ({@code models/swag-seedK.bin}, exact, {@link Swag#save}; the one of the largest budget is what is
 * left) and the probabilities ({@code models/swag-seedK-probs.bin}, {@link SwagProbabilities}).
 */
public final class SwagEvaluation {

    private SwagEvaluation() {
    }

    /** The model average's test probabilities {@code [N][C]} and their metrics. */
    public record Outcome(double[][] probabilities, PredictionMetrics metrics) {
    }

    /** An empty SWAG of rank {@code rank} over {@code net}'s layout: SWAG-Diagonal for 0, else the low-rank form. */
    public static Swag<ComputationGraph> create(ComputationGraph net, int rank) {
        return rank == 0 ? Swag.diagonal(net) : Swag.lowRank(net, rank);
    }

    /**
     * The model average of {@code swag} for seed {@code seed} after epoch {@code epoch} (0-based) with
     * {@code settings}' scale and samples.
     *
     * @param batchNorm the seed's BatchNorm-update stream ({@code JobContext.batchNormIterator()})
     * @param test      the test set in the run's evaluation batches
     * @param labels    its labels ({@link #labels})
     */
    public static Outcome evaluate(Swag<ComputationGraph> swag, Preset.SwagOptions settings, int seed, int epoch,
            EpochIterator batchNorm, DataSetIterator test, int[] labels) {
        return evaluate(swag, settings, seed, epoch, batchNorm, test, labels, done -> {
        });
    }

    /**
     * As {@link #evaluate(Swag, Preset.SwagOptions, int, int, EpochIterator, DataSetIterator, int[])}, calling
     * {@code afterSample} with the number of samples done after each sample has predicted the test set.
     */
    public static Outcome evaluate(Swag<ComputationGraph> swag, Preset.SwagOptions settings, int seed, int epoch,
            EpochIterator batchNorm, DataSetIterator test, int[] labels, IntConsumer afterSample) {
        SplittableRandom draws = sampling(seed);
        batchNorm.setEpoch(epoch);
        INDArray mean = BayesianAverage.predict(swag, draws, settings.scale(), settings.samples(), batchNorm, test, afterSample);
        double[][] p = mean.castTo(DataType.DOUBLE).toDoubleMatrix();
        return new Outcome(p, metrics(p, labels));
    }

    /**
     * The generator of seed {@code seed}'s draws, {@code new SplittableRandom(RunSeeds.swagSampling(seed))}, after
     * seeding ND4J's own generator with the same value (as every model average of the seed starts).
     */
    public static SplittableRandom sampling(int seed) {
        long sampling = RunSeeds.swagSampling(seed);
        Nd4j.getRandom().setSeed(sampling);
        return new SplittableRandom(sampling);
    }

    /** Metrics of probabilities {@code p} ({@code [N][C]}) against class labels {@code labels}. */
    public static PredictionMetrics metrics(double[][] p, int[] labels) {
        if (p.length != labels.length) {
            throw new IllegalArgumentException(p.length + " rows of probabilities for " + labels.length + " labels");
        }
        MetricsAccumulator acc = new MetricsAccumulator();
        for (int i = 0; i < p.length; i++) {
            acc.add(p[i], labels[i]);
        }
        return acc.result();
    }

    /** The class labels of {@code test}'s one-hot labels, in the order of its batches (it is reset before and after). */
    public static int[] labels(DataSetIterator test) {
        List<Integer> out = new ArrayList<>();
        test.reset();
        while (test.hasNext()) {
            for (double[] row : test.next().getLabels().toDoubleMatrix()) {
                int label = -1;
                for (int c = 0; c < row.length; c++) {
                    if (row[c] == 1.0 && label < 0) {
                        label = c;
                    } else if (row[c] != 0.0) {
                        label = -2;
                        break;
                    }
                }
                if (label < 0) {
                    throw new IllegalArgumentException("test label row " + out.size() + " is not one-hot");
                }
                out.add(label);
            }
        }
        test.reset();
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Writes what budget {@code budget} (evaluated after epoch {@code epoch}, 1-based) leaves for seed
     * {@code seed}: the SWAG's state and the entry of its probabilities, keeping the entries of the
     * earlier budgets of {@code budgets}.
     */
    public static void save(ResultsDirectory dir, int seed, Swag<?> swag, List<Double> budgets, double budget, int epoch,
            Outcome outcome, int[] labels) throws IOException {
        Checkpoints.saveSwag(swag, dir.swagState(seed));
        SwagProbabilities.put(dir.swagProbabilities(seed), labels, new SwagProbabilities.Entry(budget, epoch, outcome.probabilities()),
                budgets);
    }
}
