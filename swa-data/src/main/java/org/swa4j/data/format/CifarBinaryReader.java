package org.swa4j.data.format;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.image.LabelledImages;

/**
 * Reads the official CIFAR binary files (https://www.cs.toronto.edu/~kriz/cifar.html). CIFAR-10: records of
 * 3073 bytes, one label byte then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, row-major 32x32).
 * CIFAR-100: records of 3074 bytes, the coarse label byte, the fine label byte, then the same 3072 pixel
 * bytes. Class names come from the meta files ({@code batches.meta.txt}; {@code fine_label_names.txt},
 * {@code coarse_label_names.txt}), one name per line. Rejects, naming the file and the byte offset or
 * record: an empty file, a size that is not a whole number of records, a label outside the class range,
 * and a meta file with a different number of names.
 */
public final class CifarBinaryReader {
    /** Bytes of pixels per image: 3 channels x 32 x 32. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;

    /** Which label of a CIFAR-100 record to use. */
    public enum Cifar100Label { FINE, COARSE }

    private CifarBinaryReader() {
    }

    /** Reads CIFAR-10 batch files in the given order. */
    public static LabelledImages readCifar10(List<Path> batches, List<String> classNames) {
        return read(batches, classNames, 1, 0);
    }

    /** Reads CIFAR-100 files, taking the fine or the coarse label. */
    public static LabelledImages readCifar100(List<Path> files, List<String> classNames, Cifar100Label label) {
        return read(files, classNames, 2, label == Cifar100Label.COARSE ? 0 : 1);
    }

    private static LabelledImages read(List<Path> files, List<String> classNames, int labelBytes, int labelIndex) {
        int recordBytes = labelBytes + IMAGE_BYTES;
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (Path file : files) {
            byte[] content = Bytes.readFile(file);
            if (content.length == 0) {
                throw new CorruptDataException(file.toString(), 0, "empty file, expected records of " + recordBytes + " bytes");
            }
            if (content.length % recordBytes != 0) {
                long whole = content.length / recordBytes;
                throw new CorruptDataException(file.toString(), whole * recordBytes, "size " + content.length
                        + " is not a whole number of " + recordBytes + "-byte records: record " + whole + " is incomplete ("
                        + content.length % recordBytes + " bytes)");
            }
            contents.add(content);
            total += content.length / recordBytes;
        }
        if (total * IMAGE_BYTES > Bytes.MAX_CONTENT) {
            throw new IllegalArgumentException(total + " CIFAR images exceed one Java array");
        }
        byte[] pixels = new byte[(int) total * IMAGE_BYTES];
        int[] labels = new int[(int) total];
        int n = 0;
        for (int f = 0; f < files.size(); f++) {
            byte[] content = contents.get(f);
            for (int r = 0; r < content.length / recordBytes; r++) {
                int offset = r * recordBytes;
                int label = content[offset + labelIndex] & 0xFF;
                if (label >= classNames.size()) {
                    throw new CorruptDataException(files.get(f).toString(), offset + labelIndex, "label " + label
                            + " of record " + r + " is outside [0, " + classNames.size() + ")");
                }
                labels[n] = label;
                System.arraycopy(content, offset + labelBytes, pixels, n * IMAGE_BYTES, IMAGE_BYTES);
                n++;
            }
        }
        String source = files.size() == 1 ? files.get(0).toString() : files.get(0).getParent() + " (" + files.size() + " files)";
        return new LabelledImages(source, classNames, 3, 32, 32, pixels, labels);
    }

    /**
     * Reads a meta file of class names, one per line; trailing blank lines are ignored, a blank line between
     * names or a count other than {@code expected} is rejected.
     */
    public static List<String> readClassNames(Path file, int expected) {
        String text = new String(Bytes.readFile(file), StandardCharsets.UTF_8);
        String[] lines = text.split("\r?\n", -1);
        int last = lines.length;
        while (last > 0 && lines[last - 1].isBlank()) {
            last--;
        }
        List<String> names = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < last; i++) {
            String name = lines[i].strip();
            if (name.isEmpty()) {
                throw new CorruptDataException(file.toString(), offset, "blank class name on line " + (i + 1));
            }
            names.add(name);
            offset += lines[i].getBytes(StandardCharsets.UTF_8).length + 1;
        }
        if (names.size() != expected) {
            throw new CorruptDataException(file.toString(), -1, "holds " + names.size() + " class names, expected " + expected);
        }
        return List.copyOf(names);
    }
}
