package org.swa4j.data.format;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.DataException;

/**
 * Reading whole files, gunzipping when the content starts with the gzip magic bytes 0x1f 0x8b (whatever the
 * file name says). A corrupt or truncated gzip stream is reported with the compressed byte offset reached.
 */
public final class Bytes {
    /** Largest uncompressed content accepted, the largest Java array. */
    static final long MAX_CONTENT = Integer.MAX_VALUE - 8;

    private Bytes() {
    }

    /** All bytes of a file; a missing or unreadable file becomes a {@link DataException} naming it. */
    public static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file", e);
        } catch (IOException | OutOfMemoryError e) {
            throw new DataException(file + ": cannot be read: " + e, e);
        }
    }

    /** True if the bytes start with the gzip magic number. */
    public static boolean isGzip(byte[] content) {
        return content.length >= 2 && (content[0] & 0xFF) == 0x1f && (content[1] & 0xFF) == 0x8b;
    }

    /** The content itself, or its gunzipped form when it is gzip. */
    public static byte[] maybeGunzip(String source, byte[] content) {
        return isGzip(content) ? gunzip(source, content) : content;
    }

    /** Gunzips the content entirely; a corrupt stream gives a {@link CorruptDataException}. */
    public static byte[] gunzip(String source, byte[] compressed) {
        CountingInputStream counted = new CountingInputStream(new java.io.ByteArrayInputStream(compressed));
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, compressed.length * 2));
        long total = 0;
        try (GZIPInputStream in = new GZIPInputStream(counted, 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > MAX_CONTENT) {
                    throw new CorruptDataException(source, counted.count(), "gzip content exceeds " + MAX_CONTENT + " bytes");
                }
                out.write(buf, 0, n);
            }
        } catch (EOFException e) {
            throw new CorruptDataException(source, counted.count(), "gzip stream ends early (truncated file?) after "
                    + total + " uncompressed bytes", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException de) {
                throw de;
            }
            throw new CorruptDataException(source, counted.count(), "corrupt gzip stream: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Reads a big-endian 32-bit integer at the given offset. */
    static int readInt(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16) | ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
    }

    /** An input stream that counts the bytes read through it. */
    public static final class CountingInputStream extends FilterInputStream {
        private long count;

        public CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }

        /** Bytes read so far. */
        public long count() {
            return count;
        }
    }
}
