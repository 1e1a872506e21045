package org.swa4j.experiments.shift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.corrupt.CorruptedImages;
import org.swa4j.data.corrupt.Corruption;
import org.swa4j.data.format.IdxReader;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.image.StratifiedSubset;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.TestOutput;

/** {@code swa corrupt}: the IDX files hold the images {@code swa shift} evaluates, with matching sums; bad options are refused. */
class CorruptCommandTest {

    @TempDir
    Path tmp;

    @Test
    void writesTheSubsetsCorruptedImagesWithTheirSums() throws Exception {
        Path out = tmp.resolve("c");
        TestOutput.Result r = TestOutput.execute("corrupt", "--out", out.toString(), "--test-limit", "30", "--corruptions",
                "contrast,gaussian_noise", "--severities", "2");
        assertEquals(0, r.exitCode(), r.text());
        List<String> sums = Files.readAllLines(out.resolve("SHA256SUMS"));
        assertEquals(List.of("clean/t10k-images-idx3-ubyte", "clean/t10k-labels-idx1-ubyte", "gaussian_noise/2/t10k-images-idx3-ubyte",
                "gaussian_noise/2/t10k-labels-idx1-ubyte", "contrast/2/t10k-images-idx3-ubyte", "contrast/2/t10k-labels-idx1-ubyte"),
                sums.stream().map(l -> l.split("  ")[1]).toList(), "clean first, then the corruptions in table order");
        for (String line : sums) {
            String[] f = line.split("  ");
            byte[] content = Files.readAllBytes(out.resolve(f[1]));
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), f[0], f[1]);
            assertTrue(r.text().contains(line), r.text());
        }
        InMemoryImageDataset data = (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded",
                DataOptions.builder().workers(1).build());
        LabelledImages test = data.testImages();
        int[] subset = StratifiedSubset.select(test.labels(), test.numClasses(), 30);
        assertArrayEquals(CorruptedImages.of(test, Corruption.GAUSSIAN_NOISE, 2).select(subset, "s").pixels(),
                IdxReader.read(out.resolve("gaussian_noise/2/t10k-images-idx3-ubyte"), 3).data(),
                "each image keeps the noise of its position in the whole test set");
        assertArrayEquals(test.select(subset, "s").pixels(), IdxReader.read(out.resolve("clean/t10k-images-idx3-ubyte"), 3).data());
    }

    @Test
    void refusesANonEmptyOutputAndBadValues() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        refused("--out " + out + " is not empty; nothing was written. Pass --force", "--out", out.toString());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        refused("--severities 0 must be in 1..5", "--out", tmp.resolve("a").toString(), "--severities", "0");
        refused("corruption 'snow' is unknown", "--out", tmp.resolve("a").toString(), "--corruptions", "snow");
        refused("--test-limit 10001 must be in [0, 10000]", "--out", tmp.resolve("a").toString(), "--test-limit", "10001");
        refused("--from " + tmp + " is not a results directory", "--out", tmp.resolve("a").toString(), "--from", tmp.toString());
        refused("data set 'cifar7' is unknown", "--out", tmp.resolve("a").toString(), "--data", "cifar7");
        TestOutput.Result help = TestOutput.execute("corrupt", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.text().contains("Usage: swa corrupt") && help.text().contains("--test-limit"), help.text());
        TestOutput.Result shiftHelp = TestOutput.execute("shift", "--help");
        assertEquals(0, shiftHelp.exitCode());
        assertTrue(shiftHelp.text().contains("Usage: swa shift") && shiftHelp.text().contains("--force"), shiftHelp.text());
    }

    private static void refused(String message, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "corrupt";
        System.arraycopy(args, 0, command, 1, args.length);
        TestOutput.Result r = TestOutput.execute(command);
        assertEquals(2, r.exitCode(), r.text());
        assertTrue(r.text().contains(message), "'" + r.text() + "' should contain '" + message + "'");
    }
}
