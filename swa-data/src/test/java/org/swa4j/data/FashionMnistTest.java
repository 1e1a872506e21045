package org.swa4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.swa4j.data.download.Checksum;
import org.swa4j.data.sets.EmbeddedFashionMnist;
import org.swa4j.data.sets.InMemoryImageDataset;

/** The real Fashion-MNIST files (Debian's dataset-fashion-mnist) and the embedded subset made from them. */
class FashionMnistTest {
    static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path empty;

    private static int[] perClass(int[] labels) {
        int[] counts = new int[10];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    @Test
    void realFilesHaveTheOfficialCounts() {
        assumeTrue(Files.isDirectory(DEBIAN), "dataset-fashion-mnist is not installed");
        InMemoryImageDataset set = (InMemoryImageDataset) Datasets.open("fashion-mnist",
                DataOptions.builder().dataDir(empty).allowDownload(false).build());
        assertEquals(60000, set.trainSize());
        assertEquals(10000, set.testSize());
        int[] train = new int[10];
        int[] test = new int[10];
        Arrays.fill(train, 6000);
        Arrays.fill(test, 1000);
        assertArrayEquals(train, perClass(set.trainImages().labels()));
        assertArrayEquals(test, perClass(set.testImages().labels()));
        assertEquals(28, set.height());
    }

    @Test
    void embeddedSetIsTheFirst600OfEachClassAndTheWholeTestSetOfTheRealFiles() {
        assumeTrue(Files.isDirectory(DEBIAN), "dataset-fashion-mnist is not installed");
        InMemoryImageDataset real = (InMemoryImageDataset) Datasets.open("fashion-mnist",
                DataOptions.builder().dataDir(empty).allowDownload(false).build());
        InMemoryImageDataset embedded = (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded", DataOptions.defaults());
        checkFirstOfEachClass(real.trainImages().labels(), real.trainImages().pixels(), embedded.trainImages().labels(),
                embedded.trainImages().pixels(), 600);
        assertArrayEquals(real.testImages().labels(), embedded.testImages().labels());
        assertArrayEquals(real.testImages().pixels(), embedded.testImages().pixels());
        // a stratified test_limit of 2,000 is the first 200 test images of each class, in file order
        InMemoryImageDataset limited = (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded",
                DataOptions.builder().testLimit(2000).build());
        checkFirstOfEachClass(real.testImages().labels(), real.testImages().pixels(), limited.testImages().labels(),
                limited.testImages().pixels(), 200);
    }

    private static void checkFirstOfEachClass(int[] labels, byte[] pixels, int[] subLabels, byte[] subPixels, int per) {
        int[] taken = new int[10];
        int j = 0;
        for (int i = 0; i < labels.length; i++) {
            if (taken[labels[i]] < per) {
                taken[labels[i]]++;
                assertEquals(labels[i], subLabels[j]);
                assertArrayEquals(Arrays.copyOfRange(pixels, i * 784, (i + 1) * 784),
                        Arrays.copyOfRange(subPixels, j * 784, (j + 1) * 784), "subset image " + j);
                j++;
            }
        }
        assertEquals(subLabels.length, j);
    }

    @Test
    void embeddedSubsetHasItsCountsAndServesBatches() {
        InMemoryImageDataset set = (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded", DataOptions.defaults());
        assertEquals(6000, set.trainSize());
        assertEquals(10000, set.testSize());
        int[] train = new int[10];
        int[] test = new int[10];
        Arrays.fill(train, 600);
        Arrays.fill(test, 1000);
        assertArrayEquals(train, perClass(set.trainImages().labels()));
        assertArrayEquals(test, perClass(set.testImages().labels()));
        DataSet batch = set.train(128, 1, true).next();
        assertArrayEquals(new long[] {128, 1, 28, 28}, batch.getFeatures().shape());
        assertArrayEquals(new long[] {128, 10}, batch.getLabels().shape());
    }

    @Test
    void recordedChecksumsMatchTheShippedSha256sumsFile() throws Exception {
        String sums;
        try (InputStream in = getClass().getResourceAsStream(EmbeddedFashionMnist.FOLDER + "SHA256SUMS")) {
            sums = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> fromFile = new TreeMap<>();
        for (String line : sums.strip().split("\n")) {
            String[] parts = line.split("  ");
            fromFile.put(parts[1], parts[0]);
        }
        assertEquals(new TreeMap<>(EmbeddedFashionMnist.SHA256), fromFile);
        byte[] tampered;
        try (InputStream in = getClass().getResourceAsStream(EmbeddedFashionMnist.FOLDER + "t10k-labels-idx1-ubyte.gz")) {
            tampered = in.readAllBytes();
        }
        Checksum.sha256(EmbeddedFashionMnist.SHA256.get("t10k-labels-idx1-ubyte.gz")).verify("ok", tampered);
        tampered[tampered.length / 2] ^= 1;
        byte[] t = tampered;
        assertThrows(ChecksumMismatchException.class,
                () -> Checksum.sha256(EmbeddedFashionMnist.SHA256.get("t10k-labels-idx1-ubyte.gz")).verify("bad", t));
    }
}
