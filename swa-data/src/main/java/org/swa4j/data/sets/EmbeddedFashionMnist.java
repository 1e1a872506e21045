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
 * {@code fashion-mnist-embedded}: Fashion-MNIST as shipped in this jar: a stratified 6,000 of the training
 * images (600 per class) and the whole test set of 10,000 images (7 MB), built by
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
            "t10k-images-idx3-ubyte.gz", "42f99b6056b9c1bb4087f329b7343d635a4d59189a4ecf073100cc054fe7983e",
            "t10k-labels-idx1-ubyte.gz", "940c4e209b7eee226f8f4fc42fbed0b5f7ce5af689ad33c5ccaa28d778e0df13");

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
