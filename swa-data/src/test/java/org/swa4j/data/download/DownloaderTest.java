package org.swa4j.data.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.data.ChecksumMismatchException;
import org.swa4j.data.DownloadException;

class DownloaderTest {
    @TempDir
    Path dir;
    private LocalServer server;
    private final List<long[]> progress = new ArrayList<>();
    private Downloader downloader;
    private byte[] content;
    private Checksum md5;

    @BeforeEach
    void start() throws Exception {
        server = new LocalServer();
        content = new byte[300_000];
        new Random(5).nextBytes(content);
        server.serve("data.bin", content);
        md5 = Checksum.md5(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
        downloader = new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(1), (u, done, total) -> progress.add(new long[] {done, total}));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void downloadsVerifiesAndRenames() throws Exception {
        Path target = dir.resolve("sub/data.bin");
        downloader.fetch(server.base().resolve("data.bin"), target, md5);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertFalse(Files.exists(Downloader.partFile(target)));
        long[] last = progress.get(progress.size() - 1);
        assertEquals(content.length, last[0]);
        assertEquals(content.length, last[1]);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0]);
        }
        // a second call finds the verified file and does not ask the server again
        int requests = server.ranges.size();
        downloader.fetch(server.base().resolve("data.bin"), target, md5);
        assertEquals(requests, server.ranges.size());
    }

    @Test
    void wrongChecksumLeavesNoFileBehind() {
        Path target = dir.resolve("data.bin");
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class, () -> downloader.fetch(
                server.base().resolve("data.bin"), target, Checksum.md5("00000000000000000000000000000000")));
        assertTrue(e.getMessage().contains(md5.hex()), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(Downloader.partFile(target)));
    }

    @Test
    void cutOffTransferIsReportedThenResumedWithARangeRequest() throws Exception {
        Path target = dir.resolve("data.bin");
        server.cutNextAfter("data.bin", 100_000);
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.fetch(server.base().resolve("data.bin"), target, md5));
        assertFalse(e instanceof ChecksumMismatchException);
        assertTrue(e.getMessage().contains("cut off at byte offset"), e.getMessage());
        assertFalse(Files.exists(target));
        long kept = Files.size(Downloader.partFile(target));
        assertTrue(kept > 0 && kept <= 100_000, "kept " + kept);
        downloader.fetch(server.base().resolve("data.bin"), target, md5);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals("bytes=" + kept + "-", server.ranges.get(server.ranges.size() - 1));
        assertFalse(Files.exists(Downloader.partFile(target)));
    }

    @Test
    void serverIgnoringRangesMakesItRestartCleanly() throws Exception {
        Path target = dir.resolve("data.bin");
        Files.write(Downloader.partFile(target), new byte[] {1, 2, 3, 4, 5});
        server.ignoreRanges = true;
        downloader.fetch(server.base().resolve("data.bin"), target, md5);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals("bytes=5-", server.ranges.get(0));
    }

    @Test
    void existingTargetWithAnotherDigestIsNotOverwritten() throws Exception {
        Path target = dir.resolve("data.bin");
        Files.write(target, new byte[] {9});
        assertThrows(ChecksumMismatchException.class, () -> downloader.fetch(server.base().resolve("data.bin"), target, md5));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(target));
    }

    @Test
    void followsRedirectsButNotForever() throws Exception {
        server.redirect("old/data.bin", "/data.bin");
        Path target = dir.resolve("r.bin");
        downloader.fetch(server.base().resolve("old/data.bin"), target, md5);
        assertArrayEquals(content, Files.readAllBytes(target));
        server.redirect("loop", "/loop");
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.fetch(server.base().resolve("loop"), dir.resolve("l"), md5));
        assertTrue(e.getMessage().contains("redirects"), e.getMessage());
    }

    @Test
    void httpErrorIsADownloadException() {
        assertThrows(DownloadException.class, () -> downloader.fetch(server.base().resolve("missing"), dir.resolve("m"), md5));
    }
}
