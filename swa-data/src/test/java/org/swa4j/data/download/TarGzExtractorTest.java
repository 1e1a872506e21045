package org.swa4j.data.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.Fixtures;

class TarGzExtractorTest {
    @TempDir
    Path dir;

    @Test
    void extractsFilesInFolders() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("set/a.bin", new byte[1000]);
        files.put("set/b.txt", "hello\n".getBytes());
        files.get("set/a.bin")[999] = 7;
        Path archive = dir.resolve("x.tar.gz");
        Files.write(archive, Fixtures.tarGz(files));
        assertEquals(2, TarGzExtractor.extract(archive, dir.resolve("out")).size());
        assertArrayEquals(files.get("set/a.bin"), Files.readAllBytes(dir.resolve("out/set/a.bin")));
        assertEquals("hello\n", Files.readString(dir.resolve("out/set/b.txt")));
    }

    @Test
    void rejectsEscapingNamesBadChecksumsAndTruncation() throws Exception {
        Path evil = dir.resolve("evil.tar.gz");
        Files.write(evil, Fixtures.tarGz(Map.of("../escape.txt", new byte[3])));
        assertThrows(CorruptDataException.class, () -> TarGzExtractor.extract(evil, dir.resolve("o1")));
        assertFalse(Files.exists(dir.resolve("escape.txt")));

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        byte[] header = Fixtures.tarHeader("f", 3, '0');
        header[0] = 'g'; // checksum no longer matches
        tar.writeBytes(header);
        tar.writeBytes(new byte[512 + 1024]);
        Path bad = dir.resolve("bad.tar.gz");
        Files.write(bad, Fixtures.gzip(tar.toByteArray()));
        assertEquals(0, assertThrows(CorruptDataException.class, () -> TarGzExtractor.extract(bad, dir.resolve("o2"))).offset());

        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.writeBytes(Fixtures.tarHeader("f", 2000, '0'));
        cut.writeBytes(new byte[700]);
        Path truncated = dir.resolve("cut.tar.gz");
        Files.write(truncated, Fixtures.gzip(cut.toByteArray()));
        assertThrows(CorruptDataException.class, () -> TarGzExtractor.extract(truncated, dir.resolve("o3")));
    }
}
