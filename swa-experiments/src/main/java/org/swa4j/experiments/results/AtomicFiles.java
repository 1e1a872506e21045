package org.swa4j.experiments.results;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;

/**
 * Writes a file completely or not at all: the bytes go to a temporary file in the same directory,
 * are forced to disk, and the temporary file is renamed over the target ({@code ATOMIC_MOVE}). A
 * process killed at any point leaves either the old file or the new one, never half of one. A write
 * that fails (a full disk, a file-size limit) throws {@link WriteFailedException} naming the target,
 * removes the temporary file and leaves the target as it was.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes {@code text} (UTF-8) to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Something that writes the file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes what {@code writer} produces to {@code target} atomically. */
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (WriteFailedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new WriteFailedException(target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // the temporary file is hidden and harmless; the write's own error matters more
                }
            }
        }
    }

    /**
     * Writes {@code target} atomically and then its SHA-256 beside it ({@link Checksums#sidecar}, in
     * {@code sha256sum} format), so that a file truncated or corrupted later, by a crash during a copy
     * or a full disk, is detected by {@link Checksums#problem} instead of being loaded. The old
     * checksum is removed first: a crash between the two writes leaves a file without one, never a
     * file with a wrong one.
     */
    public static void writeChecked(Path target, Writer writer) throws IOException {
        Path sidecar = Checksums.sidecar(target);
        Files.deleteIfExists(sidecar);
        java.security.MessageDigest digest = Checksums.newDigest();
        write(target, out -> {
            try (DigestOutputStream d = new DigestOutputStream(new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            }, digest)) {
                writer.writeTo(d);
            }
        });
        writeString(sidecar, Checksums.hex(digest.digest()) + "  " + target.getFileName() + "\n");
    }
}
