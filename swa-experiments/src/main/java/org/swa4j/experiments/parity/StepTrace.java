package org.swa4j.experiments.parity;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.runner.JobContext;
import org.swa4j.experiments.runner.Schedules;
import org.swa4j.experiments.train.LearningRates;
import org.swa4j.experiments.train.Momentum;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.RunSeeds;
import org.swa4j.experiments.train.TrainAccuracyListener;
import org.swa4j.experiments.train.TrainingEpoch;
import org.swa4j.models.graph.FlatGradientUpdater;

/**
 * The first steps of a preset's SGD run for one seed, written so that a second framework can take the
 * same steps from the same weights and be compared step by step ({@code benchmarks/pytorch/parity.py
 * --trace DIR}). The network is the run's ({@link Networks#create} with the seed's initialisation), the
 * steps are the run's ({@link TrainingEpoch} on pass 0 of the seed's training data, the SGD rate of epoch
 * 0), stopped after {@code steps} batches. Written to {@code DIR}:
 *
 * <ul>
 *   <li>{@code trace.json}: the preset, the seed, the steps, the rate, the loss of every step (DL4J's
 *       score: mean cross-entropy plus the L2 term ½·wd·Σw², before the step), the tensor index and the
 *       provenance ({@link Trace});</li>
 *   <li>{@code evaluation.f64}: after the last step, the inference-mode softmax of the first test batch
 *       ({@link Evaluation});</li>
 *   <li>{@code initial.f32}, {@code step1.f32}, {@code final.f32}: every parameter (BatchNorm's running
 *       mean and variance included) before the first step, after it and after the last, as little-endian
 *       float32 in the order and framework-neutral layout of {@link Trace#tensors}: convolution weights
 *       {@code [out, in, kh, kw]}, dense weights {@code [out, in]} (DL4J keeps {@code [in, out]}),
 *       vectors {@code [n]}.</li>
 * </ul>
 */
public final class StepTrace {

    /** Version of the files' layout; a reader refuses another. */
    public static final int FORMAT = 1;

    public static final String INDEX = "trace.json";
    public static final String INITIAL = "initial.f32";
    public static final String STEP1 = "step1.f32";
    public static final String FINAL = "final.f32";
    public static final String EVALUATION = "evaluation.f64";

    /**
     * One tensor of the files: parameter {@code key} of layer {@code layer}, with its shape and its offset
     * (in floats) in each file.
     */
    public record Tensor(String layer, String key, List<Long> shape, long offset) {
    }

    /** The contents of {@code trace.json}. */
    public record Trace(int format, Preset preset, int seed, int steps, String precision, List<Double> learningRates,
            List<Double> losses, long floats, List<Tensor> tensors, Evaluation evaluation, Provenance provenance) {
    }

    /**
     * The trained network's inference-mode predictions (BatchNorm with its running statistics) of the first
     * {@code examples} test images, whose softmax probabilities {@code evaluation.f64} keeps as little-endian
     * float64, {@code [examples, classes]}; their mean NLL and accuracy in percent.
     */
    public record Evaluation(int examples, int classes, double nll, double accuracy) {
    }

    /** The arithmetic of the traced steps: the networks' float32, or float64 to separate rules from rounding. */
    public enum Precision {
        FLOAT(DataType.FLOAT), DOUBLE(DataType.DOUBLE);

        final DataType type;

        Precision(DataType type) {
            this.type = type;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private StepTrace() {
    }

    /**
     * Takes the first {@code steps} steps of seed {@code seed} of {@code preset} on {@code data} in
     * {@code precision} and writes the trace into {@code dir}; returns its index. In {@link Precision#DOUBLE} the
     * seed's float32 initial weights are cast to float64, and so is every batch; the files stay float32.
     */
    public static Trace write(Preset preset, ImageDataset data, int seed, int steps, Precision precision, Path dir,
            Provenance provenance) throws IOException {
        long perEpoch = Networks.iterationsPerEpoch(preset, data);
        if (steps < 1 || steps > perEpoch) {
            throw new IllegalArgumentException("--steps " + steps + " must be in 1.." + perEpoch
                    + " (the steps of one pass over the " + data.trainSize() + " training images in batches of " + preset.batchSize() + ")");
        }
        ComputationGraph created = Networks.create(preset, data, RunSeeds.initialisation(seed));
        ComputationGraph net = precision == Precision.DOUBLE
                ? FlatGradientUpdater.install(created.convertDataType(DataType.DOUBLE)) : created;
        List<Tensor> tensors = new ArrayList<>();
        long floats = index(net, tensors);
        Files.createDirectories(dir);
        writeTensors(net, tensors, floats, dir.resolve(INITIAL));

        Schedules.Rate rate = Schedules.sgdRate(preset);
        List<Momentum> updaters = LearningRates.updaters(net);
        TrainAccuracyListener accuracy = new TrainAccuracyListener(net);
        net.addListeners(accuracy);
        List<Double> rates = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        TrainingEpoch.StepHook before = i -> {
            double lr = rate.at(i, 0);
            LearningRates.set(updaters, lr);
            rates.add(lr);
        };
        TrainingEpoch.StepHook after = i -> {
            losses.add(net.score());
            if (i == 0) {
                writeTensors(net, tensors, floats, dir.resolve(STEP1));
            }
        };
        EpochIterator train = data.train(preset.batchSize(), RunSeeds.trainingData(seed), preset.augment());
        TrainingEpoch.run(net, new FirstBatches(train, steps, precision.type), 0, seed, 0, accuracy, before, after);
        if (losses.size() != steps) {
            throw new IllegalStateException("the trace took " + losses.size() + " steps, not " + steps + " (a non-finite loss?)");
        }
        writeTensors(net, tensors, floats, dir.resolve(FINAL));
        Evaluation evaluation = evaluate(net, data, precision.type, dir.resolve(EVALUATION));
        Trace trace = new Trace(FORMAT, preset, seed, steps, precision.label(), List.copyOf(rates), List.copyOf(losses), floats,
                List.copyOf(tensors), evaluation, provenance.finished());
        Json.write(dir.resolve(INDEX), trace);
        return trace;
    }

    /** Predicts the first test batch ({@link JobContext#EVAL_BATCH} images) in inference mode and writes the probabilities. */
    private static Evaluation evaluate(ComputationGraph net, ImageDataset data, DataType type, Path file) throws IOException {
        DataSet batch = data.test(JobContext.EVAL_BATCH).next();
        INDArray probabilities = net.output(false, batch.getFeatures().castTo(type))[0].castTo(DataType.DOUBLE);
        MetricsAccumulator metrics = new MetricsAccumulator();
        metrics.add(probabilities, batch.getLabels());
        PredictionMetrics m = metrics.result();
        double[] values = probabilities.dup('c').data().asDouble();
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(values);
        AtomicFiles.write(file, out -> out.write(buf.array()));
        return new Evaluation((int) probabilities.size(0), (int) probabilities.size(1), m.nll(), m.accuracy());
    }

    /** Lists the tensors of {@code net} in layer order, each with its offset; returns the number of floats. */
    static long index(ComputationGraph net, List<Tensor> into) {
        long offset = 0;
        for (Layer l : net.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                INDArray neutral = neutral(l, e.getKey(), e.getValue());
                List<Long> shape = new ArrayList<>();
                for (long d : neutral.shape()) {
                    shape.add(d);
                }
                into.add(new Tensor(name, e.getKey(), List.copyOf(shape), offset));
                offset += neutral.length();
            }
        }
        return offset;
    }

    /**
     * The framework-neutral form of parameter {@code key} of {@code layer}: dense weights transposed to
     * {@code [out, in]}, row vectors as vectors, everything else (convolution weights) as DL4J keeps it.
     */
    static INDArray neutral(Layer layer, String key, INDArray value) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
        if (key.equals("log10stdev")) {
            throw new IllegalArgumentException("layer " + conf.getLayerName() + " keeps BatchNorm's log10 std, not its variance; "
                    + "the trace writes variances (the models' BatchNorms use useLogStd(false))");
        }
        boolean dense = conf instanceof DenseLayer || conf instanceof BaseOutputLayer;
        if (dense && key.equals("W")) {
            return value.transpose();
        }
        if (value.rank() == 2 && value.size(0) == 1) {
            return value.reshape(value.length());
        }
        return value;
    }

    private static void writeTensors(ComputationGraph net, List<Tensor> tensors, long floats, Path file) throws IOException {
        Map<String, Layer> byName = new LinkedHashMap<>();
        for (Layer l : net.getLayers()) {
            byName.put(l.conf().getLayer().getLayerName(), l);
        }
        AtomicFiles.write(file, (OutputStream out) -> {
            long written = 0;
            for (Tensor t : tensors) {
                Layer l = byName.get(t.layer());
                float[] values = neutral(l, t.key(), l.paramTable().get(t.key())).dup('c').castTo(DataType.FLOAT).data().asFloat();
                ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(values);
                out.write(buf.array());
                written += values.length;
            }
            if (written != floats) {
                throw new IllegalStateException(file + ": wrote " + written + " floats, the index has " + floats);
            }
        });
    }

    /** The first {@code limit} batches of each pass of {@code inner}, in data type {@code type}. */
    private static final class FirstBatches implements EpochIterator {

        private final EpochIterator inner;
        private final int limit;
        private final DataType type;
        private int taken;

        FirstBatches(EpochIterator inner, int limit, DataType type) {
            this.inner = inner;
            this.limit = limit;
            this.type = type;
        }

        @Override
        public void setEpoch(int epoch) {
            inner.setEpoch(epoch);
            taken = 0;
        }

        @Override
        public int epoch() {
            return inner.epoch();
        }

        @Override
        public boolean hasNext() {
            return taken < limit && inner.hasNext();
        }

        @Override
        public DataSet next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException("the first " + limit + " batches are taken");
            }
            taken++;
            DataSet batch = inner.next();
            return batch.getFeatures().dataType() == type ? batch
                    : new DataSet(batch.getFeatures().castTo(type), batch.getLabels().castTo(type));
        }

        @Override
        public DataSet next(int num) {
            throw new UnsupportedOperationException("batches come at the preset's size");
        }

        @Override
        public int inputColumns() {
            return inner.inputColumns();
        }

        @Override
        public int totalOutcomes() {
            return inner.totalOutcomes();
        }

        @Override
        public boolean resetSupported() {
            return false;
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("a trace takes one pass");
        }

        @Override
        public int batch() {
            return inner.batch();
        }

        @Override
        public void setPreProcessor(DataSetPreProcessor preProcessor) {
            throw new UnsupportedOperationException("the data set normalises its batches");
        }

        @Override
        public DataSetPreProcessor getPreProcessor() {
            return inner.getPreProcessor();
        }

        @Override
        public List<String> getLabels() {
            return inner.getLabels();
        }
    }
}
