package org.swa4j.experiments.results;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 checksums of the files a results directory must be able to trust: checkpoints and saved
 * models. Each {@code FILE} written by {@link AtomicFiles#writeChecked} has {@code FILE.sha256} beside
 * it, in {@code sha256sum} format ({@code sha256sum -c FILE.sha256} checks it too).
 */
public final class Checksums {

    /** Suffix of the checksum file beside a checked file. */
    public static final String SUFFIX = ".sha256";

    private Checksums() {
    }

    /** The checksum file of {@code file}. */
    public static Path sidecar(Path file) {
        return file.resolveSibling(file.getFileName() + SUFFIX);
    }

    /** Whether {@code file} was written with a checksum. */
    public static boolean hasChecksum(Path file) {
        return Files.isRegularFile(sidecar(file));
    }

    /**
     * Null when {@code file} exists and matches its recorded SHA-256; otherwise what is wrong with it,
     * as a phrase naming the file ("net-4.zip is missing", "... does not match its SHA-256 ...").
     * A file without a checksum file is a problem too: callers that accept files of older versions
     * check {@link #hasChecksum} first.
     */
    public static String problem(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return file + " is missing";
        }
        Path sidecar = sidecar(file);
        if (!Files.isRegularFile(sidecar)) {
            return file + " has no checksum (" + sidecar.getFileName() + " is missing)";
        }
        String line = Files.readString(sidecar, StandardCharsets.UTF_8).trim();
        int space = line.indexOf(' ');
        String expected = space < 0 ? line : line.substring(0, space);
        if (!expected.matches("[0-9a-f]{64}")) {
            return sidecar + " does not hold a SHA-256 (read '" + line + "')";
        }
        String actual = sha256(file);
        if (!actual.equals(expected)) {
            return file + " (" + Files.size(file) + " bytes) does not match its SHA-256: truncated or corrupted (recorded "
                    + expected.substring(0, 12) + "..., now " + actual.substring(0, 12) + "...)";
        }
        return null;
    }

    /** Throws {@link CorruptFileException} when {@code file} has a checksum that it does not match (or is missing). */
    public static void requireIntactIfChecked(Path file) throws IOException {
        if (Files.isRegularFile(file) && !hasChecksum(file)) {
            return;
        }
        String problem = problem(file);
        if (problem != null) {
            throw new CorruptFileException(file, problem);
        }
    }

    /** Writes the checksum file of {@code file} as it is now on disk (for files written by other libraries' save methods). */
    public static void record(Path file) throws IOException {
        AtomicFiles.writeString(sidecar(file), sha256(file) + "  " + file.getFileName() + "\n");
    }

    /** Deletes {@code file} and its checksum file, if they exist. */
    public static void deleteWithChecksum(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(sidecar(file));
    }

    /** The SHA-256 of a file's bytes, in lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest d = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                d.update(buffer, 0, n);
            }
        }
        return hex(d.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
