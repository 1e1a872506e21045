package org.swa4j.data.sets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.DataException;
import org.swa4j.data.DataOptions;
import org.swa4j.data.DatasetNotFoundException;
import org.swa4j.data.Normalisation;
import org.swa4j.data.augment.PadCropFlip;
import org.swa4j.data.download.Checksum;
import org.swa4j.data.download.Downloader;
import org.swa4j.data.download.TarGzExtractor;
import org.swa4j.data.format.CifarBinaryReader;
import org.swa4j.data.format.CifarBinaryReader.Cifar100Label;
import org.swa4j.data.image.LabelledImages;

/**
 * CIFAR-10 ({@code cifar-10-batches-bin/}) and CIFAR-100 ({@code cifar-100-binary/}) from their official binary
 * archives, with the reference augmentation (pad 4, random crop 32, flip p = 0.5) and ResNet-style
 * normalisation by default. A missing set is downloaded (when allowed) from the Toronto archive, checked
 * against its published MD5, extracted into a temporary folder and moved into place.
 */
public final class CifarDatasets {
    private static final Logger LOG = LoggerFactory.getLogger(CifarDatasets.class);

    /** One CIFAR variant's files and source. */
    public record Spec(String name, String folder, boolean hundred, List<String> trainFiles, List<String> testFiles,
                       String archive, String md5) {
        /** Every file the set needs, data and meta. */
        public List<String> allFiles() {
            List<String> all = new ArrayList<>(trainFiles);
            all.addAll(testFiles);
            if (hundred) {
                all.addAll(List.of("fine_label_names.txt", "coarse_label_names.txt"));
            } else {
                all.add("batches.meta.txt");
            }
            return all;
        }

        /** This spec fetching an archive with another MD5 (a local mirror, a test). */
        public Spec withMd5(String otherMd5) {
            return new Spec(name, folder, hundred, trainFiles, testFiles, archive, otherMd5);
        }
    }

    public static final Spec CIFAR10 = new Spec("cifar10", "cifar-10-batches-bin", false,
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            List.of("test_batch.bin"), "cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530");
    public static final Spec CIFAR100 = new Spec("cifar100", "cifar-100-binary", true, List.of("train.bin"), List.of("test.bin"),
            "cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8");
    /** The official archives' home. */
    public static final URI OFFICIAL = URI.create("https://www.cs.toronto.edu/~kriz/");

    private CifarDatasets() {
    }

    /** Finds (or downloads) and reads the set, applies limits and builds the data set. */
    public static InMemoryImageDataset open(Spec spec, DataOptions options) {
        List<Path> candidates = DataLocations.candidates(options, spec.folder(), false);
        Path dir = candidates.stream().filter(d -> complete(spec, d)).findFirst().orElse(null);
        if (dir == null) {
            if (!options.allowDownload()) {
                throw notFound(spec, candidates, options, "downloads are off (allowDownload=false)");
            }
            dir = download(spec, options);
        }
        LabelledImages train;
        LabelledImages test;
        if (!spec.hundred()) {
            List<String> names = CifarBinaryReader.readClassNames(dir.resolve("batches.meta.txt"), 10);
            train = CifarBinaryReader.readCifar10(paths(dir, spec.trainFiles()), names);
            test = CifarBinaryReader.readCifar10(paths(dir, spec.testFiles()), names);
        } else {
            boolean coarse = options.cifar100Label() == Cifar100Label.COARSE;
            List<String> names = coarse ? CifarBinaryReader.readClassNames(dir.resolve("coarse_label_names.txt"), 20)
                    : CifarBinaryReader.readClassNames(dir.resolve("fine_label_names.txt"), 100);
            train = CifarBinaryReader.readCifar100(paths(dir, spec.trainFiles()), names, options.cifar100Label());
            test = CifarBinaryReader.readCifar100(paths(dir, spec.testFiles()), names, options.cifar100Label());
        }
        LabelledImages tr = Subsets.limit(train, options.trainLimit(), spec.name() + " train");
        LabelledImages te = Subsets.limit(test, options.testLimit(), spec.name() + " test");
        return new InMemoryImageDataset(spec.name(), tr, te, PadCropFlip.cifar(),
                Normalisers.resolve(options.normalisation(), Normalisation.RESNET, tr, spec.name()), options.workers());
    }

    private static List<Path> paths(Path dir, List<String> files) {
        return files.stream().map(dir::resolve).toList();
    }

    private static boolean complete(Spec spec, Path dir) {
        return spec.allFiles().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static Path download(Spec spec, DataOptions options) {
        Path root = DataLocations.primary(options);
        URI url = (options.mirror() != null ? options.mirror() : OFFICIAL).resolve(spec.archive());
        Path archive = Downloader.standard().fetch(url, root.resolve(spec.archive()), Checksum.md5(spec.md5()));
        Path staging = root.resolve("." + spec.folder() + ".extracting");
        deleteTree(staging);
        TarGzExtractor.extract(archive, staging);
        Path extracted = staging.resolve(spec.folder());
        if (!complete(spec, extracted)) {
            throw new CorruptDataException(archive.toString(), -1, "archive lacks some of " + spec.folder() + "/"
                    + spec.allFiles());
        }
        Path target = root.resolve(spec.folder());
        try {
            deleteTree(target);
            Files.move(extracted, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DataException("cannot move " + extracted + " to " + target + ": " + e, e);
        }
        deleteTree(staging);
        LOG.info("extracted {} into {}", archive, target);
        return target;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new DataException("cannot delete " + dir + ": " + e, e);
        }
    }

    private static DatasetNotFoundException notFound(Spec spec, List<Path> candidates, DataOptions options, String why) {
        return new DatasetNotFoundException(spec.name() + " not found. Expected " + spec.allFiles()
                + " in " + candidates + "; " + why + ". Download " + OFFICIAL.resolve(spec.archive()) + " (MD5 " + spec.md5()
                + ") and unpack it in " + DataLocations.primary(options) + ", or allow downloads.");
    }
}
