package org.swa4j.data.format;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.image.RawImage;

/**
 * Decodes a JPEG (or PNG) file with {@code javax.imageio} into a three-channel {@link RawImage}; grayscale
 * images are expanded to RGB by Java2D's colour conversion. Rejects, naming the file, content that no
 * installed reader decodes (ImageIO's stock JPEG reader does not read CMYK JPEGs, which ILSVRC-2012 has a
 * few of: convert them to RGB first) and images larger than 2^28 pixels. Safe to call from several threads.
 */
public final class ImageDecoder {
    private static final long MAX_PIXELS = 1L << 28;

    private ImageDecoder() {
    }

    /** Decodes a file. */
    public static RawImage decode(Path file) {
        return decode(file.toString(), Bytes.readFile(file));
    }

    /** Decodes bytes in memory; {@code source} names them in error messages. */
    public static RawImage decode(String source, byte[] content) {
        BufferedImage image;
        try {
            // an in-memory stream: ImageIO.read(InputStream) would spool to a temporary file when its cache is on
            image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(content)));
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            throw new CorruptDataException(source, -1, "cannot be decoded as an image: " + e, e);
        }
        if (image == null) {
            throw new CorruptDataException(source, 0, "no installed image reader recognises this content");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        if ((long) h * w > MAX_PIXELS) {
            throw new CorruptDataException(source, -1, "image of " + w + "x" + h + " pixels exceeds " + MAX_PIXELS);
        }
        byte[] px = new byte[3 * h * w];
        int[] row = new int[w];
        int plane = h * w;
        try {
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    int o = y * w + x;
                    px[o] = (byte) (argb >> 16);
                    px[plane + o] = (byte) (argb >> 8);
                    px[2 * plane + o] = (byte) argb;
                }
            }
        } catch (RuntimeException e) {
            throw new CorruptDataException(source, -1, "pixels cannot be converted to RGB: " + e, e);
        }
        return new RawImage(px, 3, h, w);
    }
}
