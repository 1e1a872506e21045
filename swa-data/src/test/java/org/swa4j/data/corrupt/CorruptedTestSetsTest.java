package org.swa4j.data.corrupt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.swa4j.data.corrupt.ImageOperationsTest.assertMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.format.IdxArray;
import org.swa4j.data.format.IdxReader;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.sets.InMemoryImageDataset;

/** The IDX export: files that read back as the corrupted images, sums that match, and the same bytes every time. */
class CorruptedTestSetsTest {

    @TempDir
    Path tmp;

    private static LabelledImages firstTwenty() {
        InMemoryImageDataset data = (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded",
                DataOptions.builder().testLimit(20).workers(1).build());
        return data.testImages();
    }

    @Test
    void writesReadableIdxFilesWithTheirSha256() throws Exception {
        LabelledImages test = firstTwenty();
        List<CorruptedTestSets.Written> written = CorruptedTestSets.write(test, List.of(Corruption.GAUSSIAN_NOISE,
                Corruption.ROTATION), List.of(1, 5), CorruptedImages.SEED, "fashion-mnist-embedded, 20 test images", tmp.resolve("a"));
        assertEquals(2 + 2 * 2 * 2, written.size(), "clean and four cells, images and labels each");
        List<String> sums = Files.readAllLines(tmp.resolve("a/SHA256SUMS"));
        assertEquals(written.size(), sums.size());
        for (int i = 0; i < sums.size(); i++) {
            String[] f = sums.get(i).split("  ");
            byte[] content = Files.readAllBytes(tmp.resolve("a").resolve(f[1]));
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), f[0], f[1]);
        }
        IdxArray images = IdxReader.read(tmp.resolve("a/rotation/5/t10k-images-idx3-ubyte"), 3);
        assertArrayEquals(new int[] {20, 28, 28}, images.dims());
        assertArrayEquals(CorruptedImages.of(test, Corruption.ROTATION, 5).pixels(), images.data());
        IdxArray clean = IdxReader.read(tmp.resolve("a/clean/t10k-images-idx3-ubyte"), 3);
        assertArrayEquals(test.pixels(), clean.data());
        IdxArray labels = IdxReader.read(tmp.resolve("a/gaussian_noise/1/t10k-labels-idx1-ubyte"), 1);
        for (int i = 0; i < 20; i++) {
            assertEquals(test.labels()[i], labels.data()[i] & 0xFF);
        }
        String description = Files.readString(tmp.resolve("a/CORRUPTIONS.md"));
        assertEquals(true, description.contains("seed 2019") && description.contains("| rotation | degrees counter-clockwise |"),
                description);
    }

    @Test
    void theSameSeedWritesTheSameBytesOnEveryRun() throws IOException {
        LabelledImages test = firstTwenty();
        CorruptedTestSets.write(test, List.of(Corruption.GAUSSIAN_NOISE), List.of(3), CorruptedImages.SEED, "x", tmp.resolve("a"));
        CorruptedTestSets.write(test, List.of(Corruption.GAUSSIAN_NOISE), List.of(3), CorruptedImages.SEED, "x", tmp.resolve("b"));
        assertEquals(Files.readString(tmp.resolve("a/SHA256SUMS")), Files.readString(tmp.resolve("b/SHA256SUMS")));
    }

    @Test
    void nothingToWriteIsRefused() {
        LabelledImages test = firstTwenty();
        assertMessage("at least one corruption", () -> CorruptedTestSets.write(test, List.of(), List.of(1), 1, "x", tmp));
        assertMessage("severity 7", () -> CorruptedTestSets.write(test, List.of(Corruption.CONTRAST), List.of(7), 1, "x", tmp));
    }
}
