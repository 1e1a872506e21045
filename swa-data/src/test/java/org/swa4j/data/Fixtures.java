package org.swa4j.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/**
 * Writers of the official on-disk formats, written here from the format specifications independently of the
 * main code's readers and writers: IDX, CIFAR binary records, JPEG class folders and ustar tar.gz archives.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** IDX bytes (type 0x08) with the given dimensions and data. */
    public static byte[] idx(int[] dims, byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(new byte[] {0, 0, 8, (byte) dims.length});
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    /** Pixel value of image i, channel c, row y, column x in the generated sets: distinct per image. */
    public static int pixel(int i, int c, int y, int x) {
        return (i * 7 + c * 50 + y * 3 + x * 5) & 0xFF;
    }

    /** Writes the four Fashion-MNIST-named IDX files (gzip or raw) with labels {@code i % 10}-like given arrays. */
    public static void writeIdxSet(Path dir, int[] trainLabels, int[] testLabels, int size, boolean gz) throws IOException {
        Files.createDirectories(dir);
        writeIdxSplit(dir, "train", trainLabels, size, gz);
        writeIdxSplit(dir, "t10k", testLabels, size, gz);
    }

    private static void writeIdxSplit(Path dir, String prefix, int[] labels, int size, boolean gz) throws IOException {
        int n = labels.length;
        byte[] images = new byte[n * size * size];
        byte[] lb = new byte[n];
        for (int i = 0; i < n; i++) {
            lb[i] = (byte) labels[i];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    images[(i * size + y) * size + x] = (byte) pixel(i, 0, y, x);
                }
            }
        }
        byte[] im = idx(new int[] {n, size, size}, images);
        byte[] la = idx(new int[] {n}, lb);
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? gzip(im) : im);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? gzip(la) : la);
    }

    /** CIFAR records: one label byte (or coarse, fine) then R, G, B planes of 32x32; image index offset by {@code first}. */
    public static byte[] cifarRecords(int[][] labelBytes, int first) {
        int labelCount = labelBytes[0].length;
        int record = labelCount + 3072;
        byte[] out = new byte[labelBytes.length * record];
        for (int r = 0; r < labelBytes.length; r++) {
            int o = r * record;
            for (int k = 0; k < labelCount; k++) {
                out[o + k] = (byte) labelBytes[r][k];
            }
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        out[o + labelCount + c * 1024 + y * 32 + x] = (byte) pixel(first + r, c, y, x);
                    }
                }
            }
        }
        return out;
    }

    /** A CIFAR-10 folder: 5 training batches of {@code perBatch} records, a test batch, the meta file. */
    public static void writeCifar10(Path dir, int perBatch, int testCount) throws IOException {
        Files.createDirectories(dir);
        for (int b = 0; b < 5; b++) {
            int[][] labels = new int[perBatch][1];
            for (int r = 0; r < perBatch; r++) {
                labels[r][0] = (b * perBatch + r) % 10;
            }
            Files.write(dir.resolve("data_batch_" + (b + 1) + ".bin"), cifarRecords(labels, b * perBatch));
        }
        int[][] test = new int[testCount][1];
        for (int r = 0; r < testCount; r++) {
            test[r][0] = (r * 3) % 10;
        }
        Files.write(dir.resolve("test_batch.bin"), cifarRecords(test, 0));
        Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", CIFAR10_NAMES) + "\n\n");
    }

    public static final List<String> CIFAR10_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /** A CIFAR-100 folder: train/test with (coarse = fine % 20, fine = i % 100), and both name files. */
    public static void writeCifar100(Path dir, int trainCount, int testCount) throws IOException {
        Files.createDirectories(dir);
        for (String split : new String[] {"train", "test"}) {
            int n = split.equals("train") ? trainCount : testCount;
            int[][] labels = new int[n][2];
            for (int r = 0; r < n; r++) {
                int fine = (r * 7) % 100;
                labels[r][0] = fine % 20;
                labels[r][1] = fine;
            }
            Files.write(dir.resolve(split + ".bin"), cifarRecords(labels, 0));
        }
        StringBuilder fine = new StringBuilder();
        for (int k = 0; k < 100; k++) {
            fine.append("fine_").append(k).append('\n');
        }
        StringBuilder coarse = new StringBuilder();
        for (int k = 0; k < 20; k++) {
            coarse.append("coarse_").append(k).append('\n');
        }
        Files.writeString(dir.resolve("fine_label_names.txt"), fine);
        Files.writeString(dir.resolve("coarse_label_names.txt"), coarse);
    }

    /** Writes a JPEG of a solid colour (or grayscale) of the given size. */
    public static void writeJpeg(Path file, int width, int height, int rgb, boolean gray) throws IOException {
        BufferedImage image = new BufferedImage(width, height, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(image, "jpeg", file.toFile())) {
            throw new AssertionError("no JPEG writer");
        }
    }

    /** A gzip-compressed ustar archive holding the given files (path -> content), directories implied. */
    public static byte[] tarGz(Map<String, byte[]> files) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            tar.writeBytes(tarHeader(e.getKey(), e.getValue().length, '0'));
            tar.writeBytes(e.getValue());
            int pad = (512 - e.getValue().length % 512) % 512;
            tar.writeBytes(new byte[pad]);
        }
        tar.writeBytes(new byte[1024]);
        return gzip(tar.toByteArray());
    }

    /** One ustar header block. */
    public static byte[] tarHeader(String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
