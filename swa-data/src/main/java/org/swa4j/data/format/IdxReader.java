package org.swa4j.data.format;

import java.nio.file.Path;
import org.swa4j.data.CorruptDataException;

/**
 * Reads IDX files (LeCun's MNIST format), raw or gzip-compressed: two zero bytes, the type code 0x08
 * (unsigned byte; the only type the image data sets use), the number of dimensions, one big-endian 32-bit
 * size per dimension, then the data in row-major order. Rejects, naming the source and byte offset: a
 * wrong magic number or type, a dimension count other than the one expected, a non-positive size, data
 * shorter than the sizes promise (a truncated file) and bytes after the last record.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** Reads an IDX file with {@code expectedDims} dimensions. */
    public static IdxArray read(Path file, int expectedDims) {
        return parse(file.toString(), Bytes.readFile(file), expectedDims);
    }

    /** Parses IDX content (gzip or raw) from memory; {@code source} names it in error messages. */
    public static IdxArray parse(String source, byte[] content, int expectedDims) {
        byte[] raw = Bytes.maybeGunzip(source, content);
        if (raw.length < 4) {
            throw new CorruptDataException(source, raw.length, "file ends inside the 4-byte IDX magic number ("
                    + raw.length + " bytes)");
        }
        if (raw[0] != 0 || raw[1] != 0) {
            throw new CorruptDataException(source, 0, String.format(
                    "not an IDX file: magic number starts 0x%02x%02x, expected 0x0000", raw[0] & 0xFF, raw[1] & 0xFF));
        }
        if ((raw[2] & 0xFF) != UNSIGNED_BYTE) {
            throw new CorruptDataException(source, 2, String.format(
                    "IDX type code 0x%02x is not 0x08 (unsigned byte)", raw[2] & 0xFF));
        }
        int ndims = raw[3] & 0xFF;
        if (ndims != expectedDims) {
            throw new CorruptDataException(source, 3, "IDX file has " + ndims + " dimensions, expected " + expectedDims);
        }
        int header = 4 + 4 * ndims;
        if (raw.length < header) {
            throw new CorruptDataException(source, raw.length, "file ends inside the IDX header of " + header + " bytes");
        }
        int[] dims = new int[ndims];
        long recordBytes = 1;
        for (int d = 0; d < ndims; d++) {
            dims[d] = Bytes.readInt(raw, 4 + 4 * d);
            if (dims[d] < 1) {
                throw new CorruptDataException(source, 4 + 4L * d, "IDX dimension " + d + " has size " + dims[d]
                        + ", must be positive");
            }
            if (d > 0) {
                recordBytes *= dims[d];
                if (recordBytes > Bytes.MAX_CONTENT) {
                    throw new CorruptDataException(source, 4 + 4L * d, "IDX record size exceeds " + Bytes.MAX_CONTENT);
                }
            }
        }
        long expected = recordBytes * dims[0];
        long actual = raw.length - header;
        if (actual < expected) {
            long complete = actual / recordBytes;
            throw new CorruptDataException(source, header + complete * recordBytes, "truncated: the header promises "
                    + dims[0] + " records of " + recordBytes + " bytes but the data ends in record " + complete
                    + " (" + actual + " of " + expected + " data bytes present)");
        }
        if (actual > expected) {
            throw new CorruptDataException(source, header + expected, (actual - expected)
                    + " bytes follow the last of the " + dims[0] + " records the header declares");
        }
        byte[] data = new byte[(int) expected];
        System.arraycopy(raw, header, data, 0, data.length);
        return new IdxArray(dims, data);
    }
}
