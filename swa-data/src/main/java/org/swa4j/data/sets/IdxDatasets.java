package org.swa4j.data.sets;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.swa4j.data.DataOptions;
import org.swa4j.data.DatasetNotFoundException;
import org.swa4j.data.Normalisation;
import org.swa4j.data.augment.PadCropFlip;
import org.swa4j.data.download.Checksum;
import org.swa4j.data.download.Downloader;
import org.swa4j.data.format.IdxArray;
import org.swa4j.data.format.IdxImages;
import org.swa4j.data.format.IdxReader;
import org.swa4j.data.image.LabelledImages;

/**
 * Fashion-MNIST and MNIST from their four official IDX files ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each
 * {@code .gz} or raw) in the set's folder. Augmentation: pad 2, random crop 28, flip p = 0.5 (CIFAR's
 * recipe scaled to 28 pixels, {@link org.swa4j.data.augment.PadCropFlip#mnist}). Downloads check the published MD5 of each {@code .gz} file (Zalando's
 * Fashion-MNIST README; torchvision's MNIST mirror).
 */
public final class IdxDatasets {
    /** The four file stems, in the order train images, train labels, test images, test labels. */
    public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** Fashion-MNIST's class names (Xiao, Rasul, Vollgraf 2017). */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final List<String> DIGIT_CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** An IDX data set's identity: name, folder, classes and official download source. */
    public record Spec(String name, String folder, List<String> classNames, URI baseUrl, List<String> md5) {
        /** This spec fetching files with other MD5s (a local mirror, a test). */
        public Spec withMd5(List<String> otherMd5) {
            return new Spec(name, folder, classNames, baseUrl, List.copyOf(otherMd5));
        }
    }

    public static final Spec FASHION_MNIST = new Spec("fashion-mnist", "fashion-mnist", FASHION_CLASSES,
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            List.of("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                    "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"));
    public static final Spec MNIST = new Spec("mnist", "mnist", DIGIT_CLASSES,
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            List.of("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                    "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"));

    private IdxDatasets() {
    }

    /** Finds (or downloads) and reads the set, applies limits and builds the data set. */
    public static InMemoryImageDataset open(Spec spec, DataOptions options) {
        List<Path> candidates = DataLocations.candidates(options, spec.folder(), true);
        Path[] files = null;
        for (Path dir : candidates) {
            files = find(dir);
            if (files != null) {
                break;
            }
        }
        if (files == null) {
            if (!options.allowDownload()) {
                throw notFound(spec, candidates, "downloads are off (allowDownload=false)");
            }
            files = download(spec, options, candidates);
        }
        LabelledImages train = read(spec, files[0], files[1]);
        LabelledImages test = read(spec, files[2], files[3]);
        return build(spec.name(), train, test, options);
    }

    /** Applies the options' limits and normalisation to read splits. */
    static InMemoryImageDataset build(String name, LabelledImages train, LabelledImages test, DataOptions options) {
        LabelledImages tr = Subsets.limit(train, options.trainLimit(), name + " train");
        LabelledImages te = Subsets.limit(test, options.testLimit(), name + " test");
        return new InMemoryImageDataset(name, tr, te, PadCropFlip.mnist(),
                Normalisers.resolve(options.normalisation(), Normalisation.TRAIN_STATISTICS, tr, name), options.workers());
    }

    /** Reads one image file and its label file into labelled images. */
    public static LabelledImages read(Spec spec, Path images, Path labels) {
        IdxArray im = IdxReader.read(images, 3);
        IdxArray lb = IdxReader.read(labels, 1);
        return IdxImages.combine(images.toString(), im, labels.toString(), lb, spec.classNames());
    }

    /** The four files in {@code dir} ({@code .gz} preferred over raw), or null if any is missing. */
    static Path[] find(Path dir) {
        Path[] found = new Path[FILES.size()];
        for (int i = 0; i < found.length; i++) {
            Path gz = dir.resolve(FILES.get(i) + ".gz");
            Path raw = dir.resolve(FILES.get(i));
            found[i] = Files.isRegularFile(gz) ? gz : Files.isRegularFile(raw) ? raw : null;
            if (found[i] == null) {
                return null;
            }
        }
        return found;
    }

    private static Path[] download(Spec spec, DataOptions options, List<Path> candidates) {
        Path dir = candidates.get(0);
        Downloader downloader = Downloader.standard();
        Path[] files = new Path[FILES.size()];
        for (int i = 0; i < files.length; i++) {
            String file = FILES.get(i) + ".gz";
            URI url = (options.mirror() != null ? options.mirror() : spec.baseUrl()).resolve(file);
            files[i] = downloader.fetch(url, dir.resolve(file), Checksum.md5(spec.md5().get(i)));
        }
        return files;
    }

    private static DatasetNotFoundException notFound(Spec spec, List<Path> candidates, String why) {
        List<String> expected = new ArrayList<>();
        for (String f : FILES) {
            expected.add(f + ".gz (or " + f + ")");
        }
        return new DatasetNotFoundException(spec.name() + " not found. Expected the files " + expected + " in one of "
                + candidates + "; " + why + ". Get them from " + spec.baseUrl() + " into " + candidates.get(0)
                + (spec.folder().equals("fashion-mnist") ? ", or on Debian: apt-get install dataset-fashion-mnist" : "")
                + ", or allow downloads.");
    }
}
