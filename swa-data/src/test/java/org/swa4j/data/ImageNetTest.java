package org.swa4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

class ImageNetTest {
    @TempDir
    Path dir;

    private static final String[] WNIDS = {"n01440764", "n01443537", "n01484850"};
    private static final int[] COLOURS = {0xC83214, 0x1E8C50, 0x2850DC};

    private void writeTree() throws Exception {
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 4; i++) {
                Fixtures.writeJpeg(dir.resolve("imagenet/train/" + WNIDS[k] + "/img_" + i + ".JPEG"), 300 + 20 * i, 260,
                        COLOURS[k], false);
            }
            Fixtures.writeJpeg(dir.resolve("imagenet/val/" + WNIDS[k] + "/val_" + k + ".JPEG"), 250, 400, COLOURS[k], k == 2);
        }
    }

    @Test
    void decodesTheFolderTreeInParallelWithStandardTransforms() throws Exception {
        writeTree();
        ImageDataset set = Datasets.open("imagenet", DataOptions.builder().dataDir(dir).allowDownload(false).workers(2).build());
        assertEquals(List.of(WNIDS), set.classNames());
        assertEquals(12, set.trainSize());
        assertEquals(3, set.testSize());
        DataSetIterator val = set.test(2);
        DataSet first = val.next();
        assertArrayEquals(new long[] {2, 3, 224, 224}, first.getFeatures().shape());
        double[] mean = {0.485, 0.456, 0.406};
        double[] std = {0.229, 0.224, 0.225};
        for (int i = 0; i < 2; i++) {
            assertEquals(1.0, first.getLabels().getDouble(i, i));
            for (int c = 0; c < 3; c++) {
                int value = (COLOURS[i] >> (16 - 8 * c)) & 0xFF;
                double expected = (value / 255.0 - mean[c]) / std[c];
                // JPEG is lossy: a solid colour decodes to within a few levels
                assertEquals(expected, first.getFeatures().getDouble(i, c, 112, 112), 6 / 255.0 / std[c]);
            }
        }
        DataSet gray = val.next();
        double r = gray.getFeatures().getDouble(0, 0, 50, 50) * std[0] + mean[0];
        double g = gray.getFeatures().getDouble(0, 1, 50, 50) * std[1] + mean[1];
        assertEquals(r, g, 1e-5); // grayscale expanded to equal RGB channels
        EpochIterator train = set.train(5, 11, true);
        int seen = 0;
        while (train.hasNext()) {
            DataSet d = train.next();
            assertArrayEquals(new long[] {3, 224, 224}, new long[] {d.getFeatures().size(1), d.getFeatures().size(2),
                d.getFeatures().size(3)});
            seen += (int) d.getFeatures().size(0);
        }
        assertEquals(12, seen);
    }

    @Test
    void undecodableImageIsReportedByFileWhenItsBatchIsBuilt() throws Exception {
        writeTree();
        Path bad = dir.resolve("imagenet/val/" + WNIDS[1] + "/val_1.JPEG");
        Files.write(bad, new byte[] {1, 2, 3, 4});
        ImageDataset set = Datasets.open("imagenet", DataOptions.builder().dataDir(dir).allowDownload(false).build());
        DataSetIterator val = set.test(3);
        CorruptDataException e = assertThrows(CorruptDataException.class, val::next);
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void strayFileInAClassFolderIsRejected() throws Exception {
        writeTree();
        Files.writeString(dir.resolve("imagenet/train/" + WNIDS[0] + "/notes.txt"), "x");
        DataException e = assertThrows(DataException.class, () -> Datasets.open("imagenet",
                DataOptions.builder().dataDir(dir).allowDownload(false).build()));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    }
}
