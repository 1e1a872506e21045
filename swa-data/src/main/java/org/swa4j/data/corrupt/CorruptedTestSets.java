package org.swa4j.data.corrupt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.swa4j.data.format.IdxArray;
import org.swa4j.data.format.IdxWriter;
import org.swa4j.data.image.LabelledImages;

/**
 * Writes a test set and its corrupted copies ({@link CorruptedImages}) as uncompressed IDX files, so that
 * another implementation (the PyTorch peer) evaluates byte-identical images:
 * <pre>
 *   OUT/clean/t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte          severity 0, the images as they are
 *   OUT/CORRUPTION/S/t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte   e.g. OUT/gaussian_noise/3/
 *   OUT/SHA256SUMS                                                    sha256sum -c format, paths relative to OUT
 *   OUT/CORRUPTIONS.md                                                the table, the seed, the source and the rules
 * </pre>
 * Images are IDX type 0x08 with dimensions (N, H, W) for one channel, (N, C, H, W) otherwise; labels (N).
 * The files are not compressed, so their SHA-256 does not depend on a zlib version: the same source, seed
 * and cells give the same sums on every machine. Each file is written to a temporary name and renamed.
 * Rejects an empty list of corruptions or severities, a severity outside 1..5 and a position outside the source.
 */
public final class CorruptedTestSets {

    /** The image file of each split directory. */
    public static final String IMAGES = "t10k-images-idx3-ubyte";
    /** The label file of each split directory. */
    public static final String LABELS = "t10k-labels-idx1-ubyte";
    /** The checksum file. */
    public static final String SUMS = "SHA256SUMS";

    /** One file written: its path relative to the output directory and its SHA-256 (hex). */
    public record Written(String path, String sha256) {
    }

    private CorruptedTestSets() {
    }

    /** The directory of one split relative to the output: {@code clean} for severity 0, else {@code KEY/S}. */
    public static String directory(Corruption corruption, int severity) {
        return severity == 0 ? "clean" : corruption.key() + "/" + severity;
    }

    /**
     * Writes {@code test} and every (corruption, severity) of the lists into {@code out} with {@code seed};
     * {@code description} (the data set, any subset) goes into {@code CORRUPTIONS.md}. Returns the files
     * written, in the order of {@code SHA256SUMS}.
     */
    public static List<Written> write(LabelledImages test, List<Corruption> corruptions, List<Integer> severities, long seed,
            String description, Path out) throws IOException {
        int[] all = new int[test.size()];
        Arrays.setAll(all, i -> i);
        return write(test, all, corruptions, severities, seed, description, out);
    }

    /**
     * As {@link #write(LabelledImages, List, List, long, String, Path)} for the images of {@code source} at
     * {@code positions} (a subset of a test set), each corrupted with the noise of its position in
     * {@code source} ({@link CorruptedImages#of(LabelledImages, int[], Corruption, int, long)}).
     */
    public static List<Written> write(LabelledImages source, int[] positions, List<Corruption> corruptions, List<Integer> severities,
            long seed, String description, Path out) throws IOException {
        if (corruptions.isEmpty() || severities.isEmpty()) {
            throw new IllegalArgumentException("name at least one corruption and one severity, got " + corruptions + " and "
                    + severities);
        }
        severities.forEach(Corruption::checkSeverity);
        boolean whole = positions.length == source.size() && isIdentity(positions);
        LabelledImages clean = whole ? source : source.select(positions, source.source() + " (" + positions.length + " images)");
        List<Written> written = new ArrayList<>();
        written.addAll(split(clean, "clean", out));
        for (Corruption c : corruptions) {
            for (int s : severities) {
                written.addAll(split(CorruptedImages.of(source, positions, c, s, seed), directory(c, s), out));
            }
        }
        StringBuilder sums = new StringBuilder();
        written.forEach(w -> sums.append(w.sha256()).append("  ").append(w.path()).append('\n'));
        writeAtomically(out.resolve(SUMS), sums.toString().getBytes(StandardCharsets.UTF_8));
        writeAtomically(out.resolve("CORRUPTIONS.md"), description(clean, corruptions, severities, seed, description)
                .getBytes(StandardCharsets.UTF_8));
        return written;
    }

    private static boolean isIdentity(int[] positions) {
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] != i) {
                return false;
            }
        }
        return true;
    }

    private static List<Written> split(LabelledImages images, String dir, Path out) throws IOException {
        int[] dims = images.channels() == 1 ? new int[] {images.size(), images.height(), images.width()}
                : new int[] {images.size(), images.channels(), images.height(), images.width()};
        byte[] labels = new byte[images.size()];
        for (int i = 0; i < labels.length; i++) {
            if (images.labels()[i] > 255) {
                throw new IllegalArgumentException("label " + images.labels()[i] + " of image " + i + " does not fit an IDX byte");
            }
            labels[i] = (byte) images.labels()[i];
        }
        return List.of(file(out, dir + "/" + IMAGES, IdxWriter.encode(new IdxArray(dims, images.pixels()), false)),
                file(out, dir + "/" + LABELS, IdxWriter.encode(new IdxArray(new int[] {labels.length}, labels), false)));
    }

    private static Written file(Path out, String relative, byte[] content) throws IOException {
        writeAtomically(out.resolve(relative), content);
        return new Written(relative, sha256(content));
    }

    private static String description(LabelledImages test, List<Corruption> corruptions, List<Integer> severities, long seed,
            String description) {
        return "# Corrupted test sets\n\n"
                + description + ": " + test.size() + " images of " + test.channels() + "x" + test.height() + "x" + test.width()
                + ", from " + test.source() + ".\n\n"
                + "Corruptions " + corruptions.stream().map(Corruption::key).toList() + " at severities " + severities
                + ", seed " + seed + " (org.swa4j.data.corrupt.CorruptedImages): x = byte / 255, the corruption in double, "
                + "clipped to [0, 1], stored as floor(255 x + 0.5). The noise of image i at (corruption k, severity s) comes "
                + "from split i of split 5k + s - 1 of new SplittableRandom(seed), k in the table's order.\n\n"
                + Corruption.markdownTable() + "\n"
                + "Files: clean/ (severity 0) and CORRUPTION/S/, each with " + IMAGES + " and " + LABELS
                + " (uncompressed IDX); check them with `sha256sum -c " + SUMS + "`.\n";
    }

    /** SHA-256 of {@code content} as lower-case hex. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
