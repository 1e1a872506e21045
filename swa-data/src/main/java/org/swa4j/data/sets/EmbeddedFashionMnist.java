package org.swa4j.data.sets;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.swa4j.data.DataException;
import org.swa4j.data.DataOptions;
import org.swa4j.data.download.Checksum;
import org.swa4j.data.format.IdxArray;
import org.swa4j.data.format.IdxImages;
import org.swa4j.data.format.IdxReader;
import org.swa4j.data.image.LabelledImages;

/**
 * {@code fashion-mnist-embedded}: the stratified Fashion-MNIST subset shipped in this jar (6,000 training
 * images, 600 per class; 2,000 test images, 200 per class; 3.5 MB), built by
 * {@code scripts/make-embedded-fashion-mnist.sh} from the official files. Each resource's SHA-256 is checked
 * against {@link #SHA256} before it is parsed; a mismatch throws
 * {@link org.swa4j.data.ChecksumMismatchException}. Needs no files and no network.
 */
public final class EmbeddedFashionMnist {
    /** Name under which {@link org.swa4j.data.Datasets} opens it. */
    public static final String NAME = "fashion-mnist-embedded";
    /** Resource folder of the files. */
    public static final String FOLDER = "/org/swa4j/data/embedded/fashion-mnist/";
    /** SHA-256 of each embedded file, as printed by the generating script. */
    public static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte.gz", "92459a04a2dc276ce091c6dedaf20dab2ace3e44714d7dc55545e0398468d0e5",
            "train-labels-idx1-ubyte.gz", "287d0183cfb50e903cdcb0218dac3710d054e787813bc50dfabbd1a578bea427",
            "t10k-images-idx3-ubyte.gz", "c1dd7bc1baf94e844b001bce8b5de516d6f7d75a8d888a2f91b2a4cc43f71da8",
            "t10k-labels-idx1-ubyte.gz", "afd1c0f16dd7bc3a74dd0587a2d6436c699aeb14f852ad97fbd0de8eb1efaf0f");

    private EmbeddedFashionMnist() {
    }

    /** Opens the embedded subset with the options' limits, normalisation and workers (its location options are unused). */
    public static InMemoryImageDataset open(DataOptions options) {
        return IdxDatasets.build(NAME, split("train"), split("t10k"), options);
    }

    /** The "train" or "t10k" split, checksum-verified. */
    static LabelledImages split(String prefix) {
        String images = prefix + "-images-idx3-ubyte.gz";
        String labels = prefix + "-labels-idx1-ubyte.gz";
        IdxArray im = IdxReader.parse(FOLDER + images, verified(images), 3);
        IdxArray lb = IdxReader.parse(FOLDER + labels, verified(labels), 1);
        return IdxImages.combine(FOLDER + images, im, FOLDER + labels, lb, IdxDatasets.FASHION_CLASSES);
    }

    /** The resource's bytes after checking its SHA-256. */
    static byte[] verified(String file) {
        String resource = FOLDER + file;
        byte[] content;
        try (InputStream in = EmbeddedFashionMnist.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new DataException(resource + ": resource missing from the swa-data jar");
            }
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new DataException(resource + ": cannot be read: " + e, e);
        }
        Checksum.sha256(SHA256.get(file)).verify(resource, content);
        return content;
    }

    /** The file names, in SHA256SUMS order. */
    static List<String> files() {
        return List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz");
    }
}
