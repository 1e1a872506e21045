package org.swa4j.experiments.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsFormat;
import org.swa4j.experiments.runner.JobContext;
import org.swa4j.experiments.runner.RunOptions;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.RunSeeds;

/**
 * {@code swa trace}: the files hold the run's initial weights and its first steps. The first loss and the
 * output bias after the first step are computed here by hand from the initial weights and a training-mode
 * forward of the first batch: cross-entropy plus ½·wd·Σw², and b₁ = b₀ − lr·(mean(p − y) + wd·b₀) (an empty
 * momentum buffer). That the other tensors' steps are PyTorch's is checked from the other side, by the
 * peer's tests on a trace of this preset ({@code benchmarks/pytorch/test_parity.py}).
 */
class StepTraceTest {

    private static final Path PRESET = Path.of("src/test/resources/presets/tiny.json").toAbsolutePath();
    private static final Set<String> TRAINABLE = Set.of("W", "b", "gamma", "beta");

    @TempDir
    Path dir;

    @Test
    void theFilesHoldTheRunsInitialWeightsAndItsFirstSgdStep() throws IOException {
        TestOutput.Result r = TestOutput.execute("trace", "--preset", PRESET.toString(), "--steps", "3", "--threads", "1",
                "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.text());
        StepTrace.Trace t = Json.read(dir.resolve(StepTrace.INDEX), StepTrace.Trace.class);
        Preset p = Presets.load(PRESET.toString());
        ImageDataset data = JobContext.openData(new RunOptions(p, null, false, 1, "0/1", "test", ResultsFormat.CURRENT), null);
        ComputationGraph net = Networks.create(p, data, RunSeeds.initialisation(1));
        assertEquals("float", t.precision());
        assertEquals(3, t.losses().size());
        assertEquals(List.of(0.05, 0.05, 0.05), t.learningRates()); // epoch 0 of the reference schedule: lr_init
        assertEquals(net.numParams(), t.floats());
        float[] initial = floats(dir.resolve(StepTrace.INITIAL), t.floats());
        float[] step1 = floats(dir.resolve(StepTrace.STEP1), t.floats());
        floats(dir.resolve(StepTrace.FINAL), t.floats());

        // the trained network's inference-mode softmax of the first test batch (tiny: all 100 test images)
        StepTrace.Evaluation ev = t.evaluation();
        assertEquals(100, ev.examples());
        byte[] raw = Files.readAllBytes(dir.resolve(StepTrace.EVALUATION));
        assertEquals(8L * ev.examples() * ev.classes(), raw.length);
        double[] probabilities = new double[raw.length / 8];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(probabilities);
        DataSet test = data.test(ev.examples()).next();
        double nll = 0;
        for (int e = 0; e < ev.examples(); e++) {
            double sum = 0;
            for (int k = 0; k < ev.classes(); k++) {
                sum += probabilities[e * ev.classes() + k];
            }
            assertEquals(1.0, sum, 1e-5, "probabilities of test example " + e);
            nll -= Math.log(probabilities[e * ev.classes() + test.getLabels().getRow(e).argMax().getInt(0)]);
        }
        assertEquals(nll / ev.examples(), ev.nll(), 1e-12);

        // the dense weights are written [out, in]: element (o, i) is DL4J's W[i, o]
        StepTrace.Tensor w = tensor(t, "output", "W");
        INDArray dl4jW = net.getLayer("output").getParam("W");
        long in = dl4jW.size(0);
        long out = dl4jW.size(1);
        assertEquals(List.of(out, in), w.shape());
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                assertEquals(dl4jW.getFloat(i, o), initial[(int) (w.offset() + o * in + i)], 0f);
            }
        }

        // the first batch of pass 0, predicted in training mode by the untrained network
        EpochIterator it = data.train(p.batchSize(), RunSeeds.trainingData(1), p.augment());
        it.setEpoch(0);
        DataSet batch = it.next();
        INDArray probs = net.output(true, batch.getFeatures())[0];
        INDArray labels = batch.getLabels();
        int n = (int) labels.size(0);
        int classes = (int) labels.size(1);
        double crossEntropy = 0;
        for (int e = 0; e < n; e++) {
            crossEntropy -= Math.log(probs.getDouble(e, labels.getRow(e).argMax().getInt(0)));
        }
        crossEntropy /= n;
        double squares = 0;
        for (StepTrace.Tensor x : t.tensors()) {
            if (TRAINABLE.contains(x.key())) {
                long size = x.shape().stream().reduce(1L, (a, b) -> a * b);
                for (long k = 0; k < size; k++) {
                    double v = initial[(int) (x.offset() + k)];
                    squares += v * v;
                }
            }
        }
        double wd = p.weightDecay();
        assertEquals(crossEntropy + 0.5 * wd * squares, t.losses().get(0), 1e-5);

        StepTrace.Tensor b = tensor(t, "output", "b");
        double lr = t.learningRates().get(0);
        for (int k = 0; k < classes; k++) {
            double gradient = 0;
            for (int e = 0; e < n; e++) {
                gradient += probs.getDouble(e, k) - labels.getDouble(e, k);
            }
            double b0 = initial[(int) b.offset() + k];
            double expected = b0 - lr * (gradient / n + wd * b0);
            assertEquals(expected, step1[(int) b.offset() + k], 1e-6, "output bias " + k + " after the first step");
        }
    }

    @Test
    void inDoublePrecisionTheSameStepsStartFromTheSameWeights() throws IOException {
        Path single = dir.resolve("float");
        Path twice = dir.resolve("double");
        assertEquals(0, TestOutput.execute("trace", "--preset", PRESET.toString(), "--steps", "2", "--threads", "1",
                "--out", single.toString()).exitCode());
        TestOutput.Result r = TestOutput.execute("trace", "--preset", PRESET.toString(), "--steps", "2", "--threads", "1",
                "--precision", "double", "--out", twice.toString());
        assertEquals(0, r.exitCode(), r.text());
        StepTrace.Trace f = Json.read(single.resolve(StepTrace.INDEX), StepTrace.Trace.class);
        StepTrace.Trace d = Json.read(twice.resolve(StepTrace.INDEX), StepTrace.Trace.class);
        assertEquals("double", d.precision());
        assertEquals(f.tensors(), d.tensors());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(single.resolve(StepTrace.INITIAL)),
                Files.readAllBytes(twice.resolve(StepTrace.INITIAL))), "the float32 initial weights, cast");
        // one forward from the same weights in two precisions: equal to float32 rounding
        assertEquals(f.losses().get(0), d.losses().get(0), 1e-5);
    }

    @Test
    void badOptionsAreRefusedNamingTheValue() {
        refused("--steps 0", "--steps 0 must be >= 1");
        refused("--steps 7", "--steps 7 must be in 1..6");
        refused("--seed 0", "--seed 0 must be >= 1");
        refused("--precision half", "--precision must be float or double, got 'half'");
    }

    private void refused(String options, String message) {
        String[] args = ("trace --preset " + PRESET + " --threads 1 --out " + dir.resolve("refused") + " " + options).split(" ");
        TestOutput.Result r = TestOutput.execute(args);
        assertEquals(2, r.exitCode(), r.text());
        assertTrue(r.text().contains(message), r.text());
    }

    private static StepTrace.Tensor tensor(StepTrace.Trace t, String layer, String key) {
        return t.tensors().stream().filter(x -> x.layer().equals(layer) && x.key().equals(key)).findFirst().orElseThrow();
    }

    private static float[] floats(Path file, long expected) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(4 * expected, bytes.length, file.toString());
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
