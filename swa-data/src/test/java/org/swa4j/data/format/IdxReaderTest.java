package org.swa4j.data.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.Fixtures;
import org.swa4j.data.image.LabelledImages;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static final byte[] DATA = {1, 2, 3, 4, 5, 6, (byte) 200, (byte) 255, 0, 9, 8, 7};

    @Test
    void readsRawAndGzipFilesWhateverTheirName() throws Exception {
        byte[] raw = Fixtures.idx(new int[] {3, 2, 2}, DATA);
        Files.write(dir.resolve("a"), raw);
        Files.write(dir.resolve("b.gz"), Fixtures.gzip(raw));
        Files.write(dir.resolve("c"), Fixtures.gzip(raw));
        for (String name : List.of("a", "b.gz", "c")) {
            IdxArray a = IdxReader.read(dir.resolve(name), 3);
            assertArrayEquals(new int[] {3, 2, 2}, a.dims());
            assertArrayEquals(DATA, a.data());
        }
    }

    @Test
    void writerOutputReadsBack() {
        IdxArray a = new IdxArray(new int[] {3, 4}, DATA);
        assertArrayEquals(Fixtures.idx(new int[] {3, 4}, DATA), IdxWriter.encode(a, false));
        IdxArray back = IdxReader.parse("x", IdxWriter.encode(a, true), 2);
        assertArrayEquals(DATA, back.data());
    }

    @Test
    void wrongMagicTypeAndDimensionCountNameTheOffset() {
        byte[] raw = Fixtures.idx(new int[] {3, 2, 2}, DATA);
        byte[] magic = raw.clone();
        magic[1] = 1;
        assertEquals(0, assertThrows(CorruptDataException.class, () -> IdxReader.parse("m", magic, 3)).offset());
        byte[] type = raw.clone();
        type[2] = 0x0D;
        CorruptDataException t = assertThrows(CorruptDataException.class, () -> IdxReader.parse("t", type, 3));
        assertEquals(2, t.offset());
        assertTrue(t.getMessage().startsWith("t at byte offset 2"), t.getMessage());
        assertEquals(3, assertThrows(CorruptDataException.class, () -> IdxReader.parse("d", raw, 1)).offset());
    }

    @Test
    void truncatedFileNamesTheIncompleteRecord() {
        byte[] raw = Fixtures.idx(new int[] {3, 2, 2}, DATA);
        // header 16 bytes, records of 4: cut inside record 1 (bytes 16..19 complete record 0)
        byte[] cut = Arrays.copyOf(raw, 16 + 6);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.parse("cut", cut, 3));
        assertEquals(16 + 4, e.offset());
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
        byte[] gz = Fixtures.gzip(raw);
        CorruptDataException g = assertThrows(CorruptDataException.class,
                () -> IdxReader.parse("cut.gz", Arrays.copyOf(gz, gz.length - 9), 3));
        assertTrue(g.getMessage().contains("gzip"), g.getMessage());
    }

    @Test
    void trailingBytesAndNonPositiveSizesAreRejected() {
        byte[] raw = Fixtures.idx(new int[] {3, 2, 2}, DATA);
        byte[] longer = Arrays.copyOf(raw, raw.length + 1);
        assertEquals(raw.length, assertThrows(CorruptDataException.class, () -> IdxReader.parse("l", longer, 3)).offset());
        byte[] zero = Fixtures.idx(new int[] {0, 2, 2}, new byte[0]);
        assertEquals(4, assertThrows(CorruptDataException.class, () -> IdxReader.parse("z", zero, 3)).offset());
    }

    @Test
    void labelOutOfRangeNamesRecordAndOffset() {
        IdxArray images = new IdxArray(new int[] {3, 2, 2}, DATA);
        IdxArray labels = new IdxArray(new int[] {3}, new byte[] {1, 10, 2});
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxImages.combine("im", images, "lb", labels,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")));
        assertEquals(9, e.offset());
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
        IdxArray two = new IdxArray(new int[] {2}, new byte[] {1, 2});
        assertThrows(CorruptDataException.class, () -> IdxImages.combine("im", images, "lb", two, List.of("a", "b", "c")));
        LabelledImages ok = IdxImages.combine("im", images, "lb", new IdxArray(new int[] {3}, new byte[] {2, 0, 1}),
                List.of("a", "b", "c"));
        assertArrayEquals(new int[] {2, 0, 1}, ok.labels());
        assertEquals(200 & 0xFF, ok.image(1).get(0, 1, 0));
    }
}
