package org.swa4j.data.format;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX content of unsigned bytes (the inverse of {@link IdxReader}), optionally gzip-compressed. Java's
 * gzip header carries no file name and a zero timestamp, so the same data always gives the same bytes with
 * the same zlib.
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    /** The IDX encoding of {@code array}, gzip-compressed if {@code gzip}. */
    public static byte[] encode(IdxArray array, boolean gzip) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(array.data().length + 64);
        try {
            java.io.OutputStream sink = gzip ? new GZIPOutputStream(bytes, 1 << 16) : bytes;
            try (DataOutputStream out = new DataOutputStream(sink)) {
                out.writeShort(0);
                out.writeByte(0x08);
                out.writeByte(array.dims().length);
                for (int d : array.dims()) {
                    out.writeInt(d);
                }
                out.write(array.data());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
