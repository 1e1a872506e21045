package org.swa4j.data.download;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.format.Bytes;

/**
 * Extracts a gzip-compressed POSIX (ustar / GNU) tar archive, the format of the CIFAR archives: 512-byte
 * headers (name at 0, octal size at 124, checksum at 148, type at 156, ustar prefix at 345), each file's data
 * padded to 512 bytes, two zero blocks at the end. Regular files and directories are extracted; pax headers
 * ({@code x}, {@code g}) are skipped. Rejects, naming the archive and the uncompressed byte offset: a header
 * whose checksum is wrong, a non-octal size, a truncated entry, a link or device entry, and a name that
 * would land outside the destination.
 */
public final class TarGzExtractor {
    private static final int BLOCK = 512;

    private TarGzExtractor() {
    }

    /** Extracts {@code archive} into {@code destination}; returns the extracted regular files. */
    public static List<Path> extract(Path archive, Path destination) {
        String source = archive.toString();
        List<Path> files = new ArrayList<>();
        Path root = destination.toAbsolutePath().normalize();
        long offset = 0;
        try (Bytes.CountingInputStream compressed = new Bytes.CountingInputStream(
                new BufferedInputStream(Files.newInputStream(archive), 1 << 16));
             InputStream in = gunzip(source, compressed)) {
            Files.createDirectories(root);
            byte[] header = new byte[BLOCK];
            while (true) {
                if (!readBlock(in, header)) {
                    throw new CorruptDataException(source, offset, "tar archive ends without its end-of-archive blocks");
                }
                if (isZero(header)) {
                    return files;
                }
                verifyChecksum(source, offset, header);
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(string(header, 257, 5))) {
                    name = prefix + "/" + name;
                }
                long size = octal(source, offset + 124, header, 124, 12);
                char type = (char) header[156];
                offset += BLOCK;
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                switch (type) {
                    case '0', '\0', '7' -> {
                        Path out = inside(source, offset - BLOCK, root, name);
                        Files.createDirectories(out.getParent());
                        copy(source, offset, in, out, size);
                        skip(source, offset + size, in, padded - size);
                        files.add(out);
                    }
                    case '5' -> {
                        Files.createDirectories(inside(source, offset - BLOCK, root, name));
                        skip(source, offset, in, padded);
                    }
                    case 'x', 'g' -> skip(source, offset, in, padded);
                    default -> throw new CorruptDataException(source, offset - BLOCK, "tar entry '" + name
                            + "' has unsupported type '" + type + "' (links and devices are not extracted)");
                }
                offset += padded;
            }
        } catch (IOException e) {
            throw new CorruptDataException(source, offset, "cannot extract (uncompressed offset reached): " + e, e);
        }
    }

    private static InputStream gunzip(String source, Bytes.CountingInputStream compressed) {
        try {
            return new GZIPInputStream(compressed, 1 << 16);
        } catch (IOException e) {
            throw new CorruptDataException(source, compressed.count(), "not a gzip file: " + e.getMessage(), e);
        }
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int got = in.readNBytes(block, 0, BLOCK);
        if (got == 0) {
            return false;
        }
        if (got < BLOCK) {
            throw new EOFException("archive ends inside a 512-byte header");
        }
        return true;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void verifyChecksum(String source, long offset, byte[] header) {
        long stored = octal(source, offset + 148, header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xFF;
        }
        if (sum != stored) {
            throw new CorruptDataException(source, offset, "tar header checksum is " + stored + " but the header sums to " + sum);
        }
    }

    private static String string(byte[] b, int from, int length) {
        int end = from;
        while (end < from + length && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    private static long octal(String source, long offset, byte[] b, int from, int length) {
        String s = string(b, from, length).trim();
        if (s.isEmpty() || !s.matches("[0-7]+") || s.length() > 21) {
            throw new CorruptDataException(source, offset, "tar header field '" + s + "' is not an octal number");
        }
        return Long.parseLong(s, 8);
    }

    private static Path inside(String source, long offset, Path root, String name) {
        Path out = root.resolve(name).normalize();
        if (name.isEmpty() || !out.startsWith(root) || out.equals(root)) {
            throw new CorruptDataException(source, offset, "tar entry name '" + name + "' points outside the destination");
        }
        return out;
    }

    private static void copy(String source, long offset, InputStream in, Path out, long size) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        try (OutputStream os = Files.newOutputStream(out)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new CorruptDataException(source, offset + size - left, "archive ends inside entry " + out.getFileName()
                            + " (" + left + " of " + size + " bytes missing)");
                }
                os.write(buf, 0, n);
                left -= n;
            }
        }
    }

    private static void skip(String source, long offset, InputStream in, long n) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new CorruptDataException(source, offset, "archive ends inside an entry (" + n + " bytes expected)", e);
        }
    }
}
