package org.swa4j.experiments.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.dataset.DataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.augment.ChannelNormaliser;
import org.swa4j.data.augment.PadCropFlip;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.sets.InMemoryImageDataset;

/**
 * How fast does swa-data feed a network? The target: at least ten times the training throughput of the
 * model being fed, so that data is never the bottleneck.
 *
 * <p>Measured: one full training pass over {@value #IMAGES} synthetic images (CIFAR-shaped 3x32x32 or
 * Fashion-MNIST-shaped 1x28x28), batch 128, through {@link InMemoryImageDataset#train}: seeded shuffle,
 * pad-crop-flip augmentation ({@code augmentedPass}) or none ({@code plainPass}), per-channel normalisation,
 * one-hot labels, INDArray creation, on {@code workers} background threads. Baseline ({@code copyBaseline}):
 * the same pixels converted byte-to-float in one thread with no shuffling, augmentation or INDArrays, the
 * least any loader must do. Scores are images per second (one operation = one image); the ratio
 * augmentedPass / copyBaseline is the price of the pipeline, and augmentedPass / (model images/s from
 * {@code swa bench-train}) the head-room. Correctness of the measured code is covered by swa-data's tests
 * ({@code PrefetchingBatchIteratorTest}, {@code PadCropFlipTest}).
 *
 * <p>How to run (after {@code mvn -B -q -DskipTests package}):
 * <pre>
 * java -Djavacpp.platform.extension=-onednn-avx2 \
 *   -cp swa-experiments/target/swa-experiments-0.1.0-SNAPSHOT.jar:$(cat swa-experiments/target/classpath.txt) \
 *   org.openjdk.jmh.Main Data -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DataLoaderBenchmark {
    static final int IMAGES = 10_000;
    static final int BATCH = 128;

    /** {@code cifar}: 3x32x32, pad 4 / crop 32; {@code mnist}: 1x28x28, pad 2 / crop 28. */
    @Param({"cifar", "mnist"})
    public String shape;

    /** Background threads preparing batches. */
    @Param({"1", "2"})
    public int workers;

    private LabelledImages images;
    private EpochIterator augmented;
    private EpochIterator plain;

    @Setup(Level.Trial)
    public void setUp() {
        boolean cifar = shape.equals("cifar");
        int c = cifar ? 3 : 1;
        int size = cifar ? 32 : 28;
        byte[] pixels = new byte[IMAGES * c * size * size];
        int[] labels = new int[IMAGES];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = i % 10;
        }
        images = new LabelledImages("synthetic", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), c, size, size,
                pixels, labels);
        InMemoryImageDataset set = new InMemoryImageDataset(shape, images, images,
                cifar ? PadCropFlip.cifar() : PadCropFlip.mnist(),
                cifar ? ChannelNormaliser.CIFAR_RESNET : ChannelNormaliser.ofImages(images), workers);
        augmented = set.train(BATCH, 42, true);
        plain = set.train(BATCH, 42, false);
    }

    private static void pass(EpochIterator it, Blackhole bh) {
        it.reset();
        while (it.hasNext()) {
            DataSet d = it.next();
            bh.consume(d.getFeatures());
        }
    }

    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public void augmentedPass(Blackhole bh) {
        pass(augmented, bh);
    }

    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public void plainPass(Blackhole bh) {
        pass(plain, bh);
    }

    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public float[] copyBaseline() {
        byte[] px = images.pixels();
        int per = images.imageBytes();
        float[] out = new float[BATCH * per];
        for (int i = 0; i < IMAGES; i++) {
            int o = (i % BATCH) * per;
            for (int k = 0; k < per; k++) {
                out[o + k] = px[i * per + k] & 0xFF;
            }
        }
        return out;
    }
}
