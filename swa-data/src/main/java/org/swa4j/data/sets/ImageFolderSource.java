package org.swa4j.data.sets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.swa4j.data.DataException;
import org.swa4j.data.format.ImageDecoder;
import org.swa4j.data.image.ExampleSource;
import org.swa4j.data.image.RawImage;

/**
 * Images in class folders ({@code root/<class>/<image>.JPEG}), torchvision {@code ImageFolder} style: the
 * classes are the given folder names in their given order, each folder's images sorted by file name. Images
 * are decoded on demand (from the batch threads). Rejects a missing class folder, a folder without images, and
 * any file that is not {@code .jpeg}, {@code .jpg} or {@code .png}, naming it.
 */
public final class ImageFolderSource implements ExampleSource {
    private final List<Path> files;
    private final int[] labels;
    private final int numClasses;

    private ImageFolderSource(List<Path> files, int[] labels, int numClasses) {
        this.files = files;
        this.labels = labels;
        this.numClasses = numClasses;
    }

    /** The class folder names under {@code root}, sorted. */
    public static List<String> classFolders(Path root) {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new DataException(root + ": cannot list class folders: " + e, e);
        }
    }

    /** Indexes {@code root/<classes[k]>/*} with label k. */
    public static ImageFolderSource index(Path root, List<String> classes) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            Path dir = root.resolve(classes.get(k));
            if (!Files.isDirectory(dir)) {
                throw new DataException(dir + ": class folder missing (the training split has class " + classes.get(k) + ")");
            }
            List<Path> images;
            try (Stream<Path> list = Files.list(dir)) {
                images = list.sorted().toList();
            } catch (IOException e) {
                throw new DataException(dir + ": cannot be listed: " + e, e);
            }
            if (images.isEmpty()) {
                throw new DataException(dir + ": class folder holds no images");
            }
            for (Path image : images) {
                String n = image.getFileName().toString().toLowerCase(Locale.ROOT);
                if (!(n.endsWith(".jpeg") || n.endsWith(".jpg") || n.endsWith(".png")) || !Files.isRegularFile(image)) {
                    throw new DataException(image + ": not a .JPEG/.jpg/.png image file; only images belong in class folders");
                }
                files.add(image);
                labels.add(k);
            }
        }
        return new ImageFolderSource(List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray(), classes.size());
    }

    /** The examples at the given indices, in that order. */
    public ImageFolderSource select(int[] indices) {
        List<Path> f = new ArrayList<>();
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            f.add(files.get(indices[i]));
            l[i] = labels[indices[i]];
        }
        return new ImageFolderSource(List.copyOf(f), l, numClasses);
    }

    /** Labels of all examples, in order. */
    public int[] labels() {
        return labels.clone();
    }

    /** The file of example {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public RawImage image(int index) {
        return ImageDecoder.decode(files.get(index));
    }
}
