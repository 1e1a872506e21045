package org.swa4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.data.download.LocalServer;
import org.swa4j.data.format.CifarBinaryReader.Cifar100Label;
import org.swa4j.data.sets.CifarDatasets;
import org.swa4j.data.sets.IdxDatasets;
import org.swa4j.data.sets.InMemoryImageDataset;

class DatasetsTest {
    @TempDir
    Path dir;

    private DataOptions.Builder local() {
        return DataOptions.builder().dataDir(dir).allowDownload(false);
    }

    @Test
    void namesAndUnknownName() {
        assertEquals(List.of("fashion-mnist", "fashion-mnist-embedded", "mnist", "cifar10", "cifar100", "imagenet"),
                Datasets.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.open("svhn", local().build()));
        assertTrue(e.getMessage().contains("cifar100"), e.getMessage());
    }

    @Test
    void publishedSpecsMatchWhatOpensHere() {
        for (String name : List.of("fashion-mnist-embedded", "fashion-mnist")) {
            if (name.equals("fashion-mnist") && !Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))) {
                continue;
            }
            ImageDataset set = Datasets.open(name, DataOptions.builder().allowDownload(false).workers(1).build());
            DatasetSpec spec = Datasets.spec(name);
            assertEquals(List.of(set.trainSize(), set.testSize(), set.numClasses(), set.channels(), set.height(), set.width()),
                    List.of(spec.trainSize(), spec.testSize(), spec.classes(), spec.channels(), spec.height(), spec.width()), name);
        }
        DatasetSpec cifar = Datasets.spec("cifar100");
        assertEquals(List.of(50_000, 10_000, 100, 3, 32, 32), List.of(cifar.trainSize(), cifar.testSize(), cifar.classes(),
                cifar.channels(), cifar.height(), cifar.width()), "CIFAR-100 (Krizhevsky 2009)");
        assertEquals(1_281_167, Datasets.spec("imagenet").trainSize(), "ILSVRC-2012 training images");
        assertEquals(6_000, Datasets.spec("fashion-mnist").trainSize(6_000));
        assertEquals(60_000, Datasets.spec("fashion-mnist").trainSize(null));
        assertThrows(IllegalArgumentException.class, () -> Datasets.spec("svhn"));
    }

    @Test
    void cifar10FromTheOfficialLayoutNormalisedWithResnetConstants() throws Exception {
        Fixtures.writeCifar10(dir.resolve("cifar-10-batches-bin"), 6, 7);
        ImageDataset set = Datasets.open("cifar10", local().build());
        assertEquals(30, set.trainSize());
        assertEquals(7, set.testSize());
        assertEquals(Fixtures.CIFAR10_NAMES, set.classNames());
        assertEquals(List.of(3, 32, 32), List.of(set.channels(), set.height(), set.width()));
        DataSetIterator test = set.test(4);
        DataSet first = test.next();
        assertArrayEquals(new long[] {4, 3, 32, 32}, first.getFeatures().shape());
        double[] mean = {0.4914, 0.4822, 0.4465};
        double[] std = {0.2023, 0.1994, 0.2010};
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 3; c++) {
                double expected = (Fixtures.pixel(i, c, 9, 21) / 255.0 - mean[c]) / std[c];
                assertEquals(expected, first.getFeatures().getDouble(i, c, 9, 21), 1e-5);
            }
            assertEquals(1.0, first.getLabels().getDouble(i, (i * 3) % 10));
        }
        assertEquals(3, test.next().getFeatures().size(0));
        assertFalse(test.hasNext());
        DataSet augmented = set.train(30, 1, true).next();
        // zero padding normalises to -mean/std: some augmented image has a padded border in the batch
        double padded = -mean[0] / std[0];
        boolean sawPadding = false;
        for (int i = 0; i < 30 && !sawPadding; i++) {
            for (int y = 0; y < 32 && !sawPadding; y++) {
                sawPadding = Math.abs(augmented.getFeatures().getDouble(i, 0, y, 0) - padded) < 1e-5
                        && Math.abs(augmented.getFeatures().getDouble(i, 0, y, 1) - padded) < 1e-5;
            }
        }
        assertTrue(sawPadding);
    }

    @Test
    void cifar100FineByDefaultCoarseOnRequestAndVggConstants() throws Exception {
        Fixtures.writeCifar100(dir.resolve("cifar-100-binary"), 40, 10);
        ImageDataset fine = Datasets.open("cifar100", local().build());
        assertEquals(100, fine.numClasses());
        ImageDataset coarse = Datasets.open("cifar100", local().cifar100Label(Cifar100Label.COARSE)
                .normalisation(Normalisation.VGG).build());
        assertEquals(20, coarse.numClasses());
        assertEquals("coarse_3", coarse.classNames().get(3));
        DataSet d = coarse.test(10).next();
        // test record 1 has fine 7, coarse 7; pixel (1, 2, 0, 0) with ImageNet constants
        assertEquals(1.0, d.getLabels().getDouble(1, 7));
        assertEquals((Fixtures.pixel(1, 2, 0, 0) / 255.0 - 0.406) / 0.225, d.getFeatures().getDouble(1, 2, 0, 0), 1e-5);
    }

    @Test
    void limitsTakeAStratifiedSubset() throws Exception {
        Fixtures.writeCifar10(dir.resolve("cifar-10-batches-bin"), 6, 7);
        InMemoryImageDataset set = (InMemoryImageDataset) Datasets.open("cifar10", local().trainLimit(20).testLimit(5).build());
        assertEquals(20, set.trainSize());
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, set.trainImages().classCounts());
        assertEquals(5, set.testSize());
        assertTrue(set.provenance().contains("stratified subset of 20") && set.provenance().contains("0.4914"),
                set.provenance());
        assertThrows(IllegalArgumentException.class, () -> Datasets.open("cifar10", local().trainLimit(31).build()));
    }

    @Test
    void missingSetListsFilesPlacesAndHowToGetThem() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> Datasets.open("cifar10", local().build()));
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains(dir.toString())
                && e.getMessage().contains("cifar-10-binary.tar.gz"), e.getMessage());
        DatasetNotFoundException m = assertThrows(DatasetNotFoundException.class, () -> Datasets.open("mnist", local().build()));
        assertTrue(m.getMessage().contains("t10k-labels-idx1-ubyte") && m.getMessage().contains("/usr/share/datasets/mnist"),
                m.getMessage());
        DatasetNotFoundException i = assertThrows(DatasetNotFoundException.class, () -> Datasets.open("imagenet", local()
                .allowDownload(true).build()));
        assertTrue(i.getMessage().contains("never downloaded") && i.getMessage().contains("licence"), i.getMessage());
    }

    @Test
    void idxSetRawFilesWithTrainStatisticsNormalisation() throws Exception {
        int[] train = new int[50];
        int[] test = new int[20];
        for (int i = 0; i < 50; i++) {
            train[i] = i % 10;
        }
        for (int i = 0; i < 20; i++) {
            test[i] = (i * 7) % 10;
        }
        Fixtures.writeIdxSet(dir.resolve("mnist"), train, test, 28, false);
        ImageDataset set = Datasets.open("mnist", local().build());
        assertEquals(50, set.trainSize());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), set.classNames());
        // an un-augmented pass normalised by the training statistics has mean 0 and std 1
        EpochIterator it = set.train(16, 3, false);
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        while (it.hasNext()) {
            for (double v : it.next().getFeatures().dup().data().asDouble()) {
                sum += v;
                sumSq += v * v;
                n++;
            }
        }
        assertEquals(50L * 784, n);
        assertEquals(0, sum / n, 1e-4);
        assertEquals(1, sumSq / n - Math.pow(sum / n, 2), 1e-3);
        assertThrows(IllegalArgumentException.class, () -> Datasets.open("mnist",
                local().normalisation(Normalisation.RESNET).build()));
    }

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    @Test
    void cifarDownloadFromAMirrorVerifiesExtractsAndLoads() throws Exception {
        Path staging = dir.resolve("staging");
        Fixtures.writeCifar10(staging, 2, 3);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String f : CifarDatasets.CIFAR10.allFiles()) {
            entries.put("cifar-10-batches-bin/" + f, Files.readAllBytes(staging.resolve(f)));
        }
        byte[] archive = Fixtures.tarGz(entries);
        Path data = dir.resolve("data");
        try (LocalServer server = new LocalServer()) {
            server.serve("cifar-10-binary.tar.gz", archive);
            DataOptions options = DataOptions.builder().dataDir(data).mirror(server.base()).build();
            // the generated archive is not the official one: its MD5 differs and nothing is kept
            assertThrows(ChecksumMismatchException.class, () -> Datasets.open("cifar10", options));
            assertFalse(Files.exists(data.resolve("cifar-10-binary.tar.gz")));
            assertFalse(Files.exists(data.resolve("cifar-10-binary.tar.gz.part")));
            ImageDataset set = CifarDatasets.open(CifarDatasets.CIFAR10.withMd5(md5(archive)), options);
            assertEquals(10, set.trainSize());
            assertTrue(Files.isRegularFile(data.resolve("cifar-10-batches-bin/test_batch.bin")));
            assertEquals(3, Datasets.open("cifar10", options.toBuilder().allowDownload(false).build()).testSize());
        }
    }

    @Test
    void idxDownloadFromAMirror() throws Exception {
        Path staging = dir.resolve("staging");
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1};
        Fixtures.writeIdxSet(staging, labels, labels, 28, true);
        List<String> md5s = new ArrayList<>();
        try (LocalServer server = new LocalServer()) {
            for (String f : IdxDatasets.FILES) {
                byte[] content = Files.readAllBytes(staging.resolve(f + ".gz"));
                server.serve(f + ".gz", content);
                md5s.add(md5(content));
            }
            DataOptions options = DataOptions.builder().dataDir(dir.resolve("data")).mirror(server.base()).build();
            // a folder name that no system location has, so the download path is taken
            IdxDatasets.Spec spec = new IdxDatasets.Spec("fashion-mnist", "fashion-mnist-mirror-test",
                    IdxDatasets.FASHION_CLASSES, IdxDatasets.FASHION_MNIST.baseUrl(), md5s);
            ImageDataset set = IdxDatasets.open(spec, options);
            assertEquals(12, set.trainSize());
            assertEquals("Ankle boot", set.classNames().get(9));
            assertTrue(Files.isRegularFile(dir.resolve("data/fashion-mnist-mirror-test/train-images-idx3-ubyte.gz")));
        }
    }

    @Test
    void corruptFileInADataSetNamesIt() throws Exception {
        Path cifar = dir.resolve("cifar-10-batches-bin");
        Fixtures.writeCifar10(cifar, 3, 3);
        byte[] b = Files.readAllBytes(cifar.resolve("data_batch_4.bin"));
        Files.write(cifar.resolve("data_batch_4.bin"), java.util.Arrays.copyOf(b, b.length - 1));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> Datasets.open("cifar10", local().build()));
        assertTrue(e.getMessage().contains("data_batch_4.bin"), e.getMessage());
        assertEquals(2 * 3073, e.offset());
    }
}
