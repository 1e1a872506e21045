package org.swa4j.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swa4j.data.ChecksumMismatchException;
import org.swa4j.data.DataException;
import org.swa4j.data.DownloadException;

/**
 * Fetches a file over HTTP(S) into {@code target} safely: bytes go to {@code target + ".part"}, and only after
 * the whole file has arrived and its digest matches is it renamed to {@code target}. An interrupted transfer
 * leaves the {@code .part} file; the next call asks for the rest with an HTTP {@code Range} request and appends
 * if the server answers 206 with the matching start, and starts over if it answers 200. A digest mismatch
 * deletes the {@code .part} file and throws {@link ChecksumMismatchException}; a transfer cut off before the
 * announced length throws {@link DownloadException} naming the byte offset reached. A {@code target} that
 * already exists is checked and returned, or rejected if its digest differs (it is never overwritten).
 * Redirects (also from http to https) are followed up to five times.
 */
public final class Downloader {
    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);
    private static final int MAX_REDIRECTS = 5;

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final DownloadProgress progress;

    public Downloader(Duration connectTimeout, Duration readTimeout, DownloadProgress progress) {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts " + connectTimeout + ", " + readTimeout + " must be positive");
        }
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.progress = progress;
    }

    /** 30 s to connect, 60 s between reads, progress logged. */
    public static Downloader standard() {
        return new Downloader(Duration.ofSeconds(30), Duration.ofSeconds(60), DownloadProgress.logging());
    }

    /** The temporary file a download of {@code target} writes to. */
    public static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /** Downloads {@code source} to {@code target} unless it is already there; returns {@code target}. */
    public Path fetch(URI source, Path target, Checksum expected) {
        if (Files.exists(target)) {
            String actual = Checksum.digest(expected.algorithm(), target);
            if (!actual.equals(expected.hex())) {
                throw new ChecksumMismatchException(target + " (already present; delete it to download again)",
                        expected.algorithm(), expected.hex(), actual);
            }
            return target;
        }
        Path part = partFile(target);
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new DataException(target.getParent() + ": cannot create the directory: " + e, e);
        }
        transfer(source, part);
        String actual = Checksum.digest(expected.algorithm(), part);
        if (!actual.equals(expected.hex())) {
            deleteQuietly(part);
            throw new ChecksumMismatchException(source + " (downloaded to " + part + ", deleted)", expected.algorithm(),
                    expected.hex(), actual);
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DataException("cannot rename " + part + " to " + target + ": " + e, e);
        }
        LOG.info("downloaded {} to {} ({} verified)", source, target, expected.algorithm());
        return target;
    }

    private void transfer(URI source, Path part) {
        long present = Files.exists(part) ? size(part) : 0;
        HttpURLConnection connection;
        int status;
        URI location = source;
        int redirects = 0;
        while (true) {
            try {
                connection = (HttpURLConnection) location.toURL().openConnection();
                connection.setConnectTimeout((int) connectTimeout.toMillis());
                connection.setReadTimeout((int) readTimeout.toMillis());
                connection.setInstanceFollowRedirects(false);
                if (present > 0) {
                    connection.setRequestProperty("Range", "bytes=" + present + "-");
                }
                status = connection.getResponseCode();
            } catch (IOException | IllegalArgumentException e) {
                throw new DownloadException("cannot reach " + location + ": " + e, e);
            }
            String next = connection.getHeaderField("Location");
            if (status / 100 != 3 || next == null) {
                break;
            }
            connection.disconnect();
            if (++redirects > MAX_REDIRECTS) {
                throw new DownloadException(source + ": more than " + MAX_REDIRECTS + " redirects");
            }
            try {
                location = location.resolve(next);
            } catch (IllegalArgumentException e) {
                throw new DownloadException(location + ": redirect to an invalid address '" + next + "'", e);
            }
        }
        if (status == 416 && present > 0) {
            connection.disconnect();
            LOG.info("{}: server says {} is already complete ({} bytes)", source, part, present);
            return;
        }
        boolean append = false;
        long total;
        if (status == 206 && present > 0) {
            String range = connection.getHeaderField("Content-Range");
            long start = rangeStart(range);
            if (start != present) {
                connection.disconnect();
                throw new DownloadException(source + ": asked for bytes from " + present + " but the server sent Content-Range '"
                        + range + "'");
            }
            append = true;
            long length = connection.getContentLengthLong();
            total = length >= 0 ? present + length : -1;
            LOG.info("{}: resuming {} at byte {}", source, part, present);
        } else if (status == 200) {
            if (present > 0) {
                LOG.info("{}: server does not resume; restarting {} from byte 0", source, part);
            }
            present = 0;
            total = connection.getContentLengthLong();
        } else {
            connection.disconnect();
            throw new DownloadException(source + ": HTTP status " + status);
        }
        long done = present;
        try (InputStream in = connection.getInputStream();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            progress.update(source, done, total);
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                done += n;
                progress.update(source, done, total);
            }
        } catch (IOException e) {
            throw new DownloadException(source + ": transfer cut off at byte offset " + done
                    + (total >= 0 ? " of " + total : "") + " (" + e + "); the partial file " + part
                    + " is kept and the next attempt resumes from there", e);
        } finally {
            connection.disconnect();
        }
        if (total >= 0 && done != total) {
            throw new DownloadException(source + ": transfer cut off at byte offset " + done + " of " + total
                    + "; the partial file " + part + " is kept and the next attempt resumes from there");
        }
    }

    private static long rangeStart(String contentRange) {
        if (contentRange == null || !contentRange.startsWith("bytes ")) {
            return -1;
        }
        int dash = contentRange.indexOf('-');
        try {
            return dash > 6 ? Long.parseLong(contentRange.substring(6, dash).trim()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read its size: " + e, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
        }
    }
}
