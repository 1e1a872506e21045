package org.swa4j.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.swa4j.data.ChecksumMismatchException;
import org.swa4j.data.DataException;

/**
 * An expected digest of a file: the algorithm ({@code MD5}, as the data sets publish, or {@code SHA-256}) and
 * its lowercase hex value. Rejects an unknown algorithm or a hex string of the wrong length.
 */
public record Checksum(String algorithm, String hex) {
    public Checksum {
        int bytes = switch (algorithm) {
            case "MD5" -> 16;
            case "SHA-256" -> 32;
            default -> throw new IllegalArgumentException("checksum algorithm '" + algorithm + "' must be MD5 or SHA-256");
        };
        hex = hex.toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{" + 2 * bytes + "}")) {
            throw new IllegalArgumentException(algorithm + " value '" + hex + "' must be " + 2 * bytes + " hex digits");
        }
    }

    public static Checksum md5(String hex) {
        return new Checksum("MD5", hex);
    }

    public static Checksum sha256(String hex) {
        return new Checksum("SHA-256", hex);
    }

    /** The digest of a file, in hex. */
    public static String digest(String algorithm, Path file) {
        MessageDigest md = newDigest(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read for its " + algorithm + ": " + e, e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The digest of bytes in memory, in hex. */
    public static String digest(String algorithm, byte[] content) {
        return HexFormat.of().formatHex(newDigest(algorithm).digest(content));
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** Whether the file has this digest. */
    public boolean matches(Path file) {
        return hex.equals(digest(algorithm, file));
    }

    /** Throws {@link ChecksumMismatchException} naming {@code source} unless the content has this digest. */
    public void verify(String source, byte[] content) {
        String actual = digest(algorithm, content);
        if (!actual.equals(hex)) {
            throw new ChecksumMismatchException(source, algorithm, hex, actual);
        }
    }

    @Override
    public String toString() {
        return algorithm + " " + hex;
    }
}
