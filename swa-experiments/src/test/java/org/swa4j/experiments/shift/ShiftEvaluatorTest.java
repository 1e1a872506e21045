package org.swa4j.experiments.shift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.core.BayesianAverage;
import org.swa4j.core.Swag;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.corrupt.CorruptedImages;
import org.swa4j.data.corrupt.Corruption;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.runner.JobContext;

/**
 * SWAG and MultiSWAG on the shift sets, with Swags fitted here on a small network: one BatchNorm update per
 * sample for all sets gives, set by set, the Bayesian model average of that set alone; a mixture is the mean of
 * its members' distributions.
 */
class ShiftEvaluatorTest {

    private static InMemoryImageDataset data;
    private static List<ShiftSet> sets;

    @BeforeAll
    static void sets() {
        data = (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded", DataOptions.builder().trainLimit(96).workers(1).build());
        sets = ShiftSets.of(data, 40, List.of(Corruption.CONTRAST, Corruption.GAUSSIAN_BLUR), List.of(1, 5), CorruptedImages.SEED);
    }

    /** conv(3x3, 4, stride 2) -> BN -> softmax(10) on 1x28x28. */
    private static ComputationGraph net(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Sgd(0.05)).graphBuilder().addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().activation(Activation.RELU).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .build(), "bn")
                .setOutputs("out").setInputTypes(InputType.convolutional(28, 28, 1)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** A SWAG of four iterates of a short training run. */
    private static Swag<ComputationGraph> fitted(long seed) {
        ComputationGraph net = net(seed);
        Swag<ComputationGraph> swag = Swag.lowRank(net, 3);
        DataSetIterator train = data.train(32, seed, false);
        for (int i = 0; i < 4; i++) {
            train.reset();
            net.fit(train);
            swag.collect(net);
        }
        return swag;
    }

    private static PredictionMetrics metrics(INDArray p, DataSetIterator test) {
        MetricsAccumulator m = new MetricsAccumulator();
        int row = 0;
        test.reset();
        while (test.hasNext()) {
            DataSet b = test.next();
            int n = b.numExamples();
            m.add(p.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(row, row + n), org.nd4j.linalg.indexing.NDArrayIndex.all()),
                    b.getLabels().castTo(p.dataType()));
            row += n;
        }
        test.reset();
        return m.result();
    }

    @Test
    void swagOnEverySetIsEachSetsOwnBayesianAverage() {
        Swag<ComputationGraph> swag = fitted(1);
        ShiftEvaluator evaluator = new ShiftEvaluator(sets);
        List<INDArray> together = evaluator.swag(swag, new SplittableRandom(5), 0.5, 3, data.train(32, 9, false));
        List<PredictionMetrics> metrics = evaluator.metrics(together);
        assertEquals(5, metrics.size(), "clean and two corruptions at two severities");
        for (int d = 0; d < sets.size(); d++) {
            DataSetIterator test = data.withTestImages(imagesOf(d)).test(JobContext.EVAL_BATCH);
            INDArray alone = BayesianAverage.predict(swag, new SplittableRandom(5), 0.5, 3, data.train(32, 9, false), test);
            assertArrayEquals(alone.ravel().toDoubleVector(), together.get(d).ravel().toDoubleVector(), 0.0, sets.get(d).toString());
            PredictionMetrics expected = metrics(alone, test);
            assertEquals(expected.accuracy(), metrics.get(d).accuracy(), 1e-12, sets.get(d).toString());
            assertEquals(expected.nll(), metrics.get(d).nll(), 1e-12, sets.get(d).toString());
            assertEquals(expected.ece(), metrics.get(d).ece(), 1e-12, sets.get(d).toString());
            assertEquals(40, metrics.get(d).examples());
        }
    }

    /** The images of set d, rebuilt from the embedded test set as swa shift's sets are documented to be. */
    private static org.swa4j.data.image.LabelledImages imagesOf(int d) {
        var all = data.testImages();
        int[] subset = org.swa4j.data.image.StratifiedSubset.select(all.labels(), all.numClasses(), 40);
        ShiftSet s = sets.get(d);
        return s.severity() == 0 ? all.select(subset, "clean")
                : CorruptedImages.of(all, Corruption.parse(s.corruption()), s.severity()).select(subset, s.toString());
    }

    @Test
    void multiSwagIsTheMeanOfItsMembersDistributions() {
        ShiftEvaluator evaluator = new ShiftEvaluator(sets);
        List<INDArray> a = evaluator.swag(fitted(1), new SplittableRandom(5), 0.5, 2, data.train(32, 9, false));
        List<INDArray> b = evaluator.swag(fitted(2), new SplittableRandom(6), 0.5, 2, data.train(32, 9, false));
        List<INDArray> mix = evaluator.mixture(List.of(a, b));
        for (int d = 0; d < sets.size(); d++) {
            double[] pa = a.get(d).ravel().toDoubleVector();
            double[] pb = b.get(d).ravel().toDoubleVector();
            double[] pm = mix.get(d).ravel().toDoubleVector();
            for (int i = 0; i < pm.length; i++) {
                assertEquals((pa[i] + pb[i]) / 2, pm[i], 1e-12);
            }
        }
        // a mixture's NLL is at most the mean of its members' (log is concave), set by set
        List<PredictionMetrics> ma = evaluator.metrics(a);
        List<PredictionMetrics> mb = evaluator.metrics(b);
        List<PredictionMetrics> mm = evaluator.metrics(mix);
        for (int d = 0; d < sets.size(); d++) {
            assertTrue(mm.get(d).nll() <= (ma.get(d).nll() + mb.get(d).nll()) / 2 + 1e-9, sets.get(d).toString());
        }
    }
}
