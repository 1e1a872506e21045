package org.swa4j.data.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.swa4j.data.format.IdxArray;
import org.swa4j.data.format.IdxReader;
import org.swa4j.data.format.IdxWriter;
import org.swa4j.data.image.StratifiedSubset;

/**
 * Builds the embedded Fashion-MNIST subset from the four official IDX files: the {@link StratifiedSubset} of
 * 6,000 training images (600 per class, the first 600 of each class in file order, kept in file order) and the
 * whole test set of 10,000 images (1,000 per class), written as gzip IDX files with a {@code SHA256SUMS} file
 * ({@code sha256sum -c} format) and a {@code SOURCE.txt} recording the inputs' uncompressed SHA-256. No
 * randomness is involved. Run by {@code scripts/make-embedded-fashion-mnist.sh}; uses only the JDK.
 *
 * <p>Usage: {@code EmbeddedSubsetBuilder <official-dir> <output-dir>}
 */
public final class EmbeddedSubsetBuilder {
    /** Training images kept, 600 per class. */
    public static final int TRAIN = 6000;
    /** Test images kept: all 10,000 (1,000 per class). */
    public static final int TEST = 10000;
    static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte"};

    private EmbeddedSubsetBuilder() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: EmbeddedSubsetBuilder <dir with the 4 official Fashion-MNIST .gz files> <output dir>");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        List<String> sums = new ArrayList<>();
        List<String> source = new ArrayList<>();
        source.add("Stratified subset of Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; MIT licence, Zalando SE):");
        source.add("train: first 600 images of each class in file order (6000), file order kept; test: the whole test set");
        source.add("(10000). Built by scripts/make-embedded-fashion-mnist.sh from " + in.toAbsolutePath() + ".");
        source.add("SHA-256 of the uncompressed official inputs:");
        for (int split = 0; split < 2; split++) {
            int limit = split == 0 ? TRAIN : TEST;
            String imagesName = FILES[2 * split];
            String labelsName = FILES[2 * split + 1];
            byte[] imagesContent = Files.readAllBytes(in.resolve(imagesName + ".gz"));
            byte[] labelsContent = Files.readAllBytes(in.resolve(labelsName + ".gz"));
            IdxArray images = IdxReader.parse(imagesName, imagesContent, 3);
            IdxArray labels = IdxReader.parse(labelsName, labelsContent, 1);
            source.add("  " + sha256(IdxWriter.encode(images, false)) + "  " + imagesName);
            source.add("  " + sha256(IdxWriter.encode(labels, false)) + "  " + labelsName);
            int[] lb = new int[labels.count()];
            for (int i = 0; i < lb.length; i++) {
                lb[i] = labels.data()[i] & 0xFF;
            }
            int[] chosen = StratifiedSubset.select(lb, 10, limit);
            int pixels = images.dims()[1] * images.dims()[2];
            byte[] subImages = new byte[chosen.length * pixels];
            byte[] subLabels = new byte[chosen.length];
            for (int i = 0; i < chosen.length; i++) {
                System.arraycopy(images.data(), chosen[i] * pixels, subImages, i * pixels, pixels);
                subLabels[i] = labels.data()[chosen[i]];
            }
            sums.add(write(out, imagesName, new IdxArray(new int[] {chosen.length, images.dims()[1], images.dims()[2]}, subImages)));
            sums.add(write(out, labelsName, new IdxArray(new int[] {chosen.length}, subLabels)));
        }
        Files.write(out.resolve("SHA256SUMS"), sums, StandardCharsets.UTF_8);
        Files.write(out.resolve("SOURCE.txt"), source, StandardCharsets.UTF_8);
        sums.forEach(System.out::println);
    }

    private static String write(Path out, String name, IdxArray array) throws IOException {
        byte[] gz = IdxWriter.encode(array, true);
        Files.write(out.resolve(name + ".gz"), gz);
        return sha256(gz) + "  " + name + ".gz";
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
