package org.swa4j.data.format;

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
import org.swa4j.data.format.CifarBinaryReader.Cifar100Label;
import org.swa4j.data.image.LabelledImages;

class CifarBinaryReaderTest {
    @TempDir
    Path dir;

    @Test
    void cifar10RoundTripsLabelsAndPlanes() throws Exception {
        Fixtures.writeCifar10(dir, 4, 3);
        List<String> names = CifarBinaryReader.readClassNames(dir.resolve("batches.meta.txt"), 10);
        assertEquals(Fixtures.CIFAR10_NAMES, names);
        List<Path> batches = List.of(1, 2, 3, 4, 5).stream().map(b -> dir.resolve("data_batch_" + b + ".bin")).toList();
        LabelledImages train = CifarBinaryReader.readCifar10(batches, names);
        assertEquals(20, train.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(i % 10, train.label(i));
            for (int c = 0; c < 3; c++) {
                assertEquals(Fixtures.pixel(i, c, 5, 31), train.image(i).get(c, 5, 31));
                assertEquals(Fixtures.pixel(i, c, 31, 0), train.image(i).get(c, 31, 0));
            }
        }
    }

    @Test
    void cifar100FineAndCoarseLabels() throws Exception {
        Fixtures.writeCifar100(dir, 30, 5);
        List<String> fine = CifarBinaryReader.readClassNames(dir.resolve("fine_label_names.txt"), 100);
        List<String> coarse = CifarBinaryReader.readClassNames(dir.resolve("coarse_label_names.txt"), 20);
        LabelledImages f = CifarBinaryReader.readCifar100(List.of(dir.resolve("train.bin")), fine, Cifar100Label.FINE);
        LabelledImages c = CifarBinaryReader.readCifar100(List.of(dir.resolve("train.bin")), coarse, Cifar100Label.COARSE);
        for (int r = 0; r < 30; r++) {
            assertEquals((r * 7) % 100, f.label(r));
            assertEquals(((r * 7) % 100) % 20, c.label(r));
            assertEquals(Fixtures.pixel(r, 2, 17, 9), f.image(r).get(2, 17, 9));
        }
        assertEquals("fine_7", f.classNames().get(7));
    }

    @Test
    void partialRecordIsReportedWithItsOffset() throws Exception {
        byte[] records = Fixtures.cifarRecords(new int[][] {{1}, {2}, {3}}, 0);
        Path file = dir.resolve("short.bin");
        Files.write(file, Arrays.copyOf(records, 2 * 3073 + 100));
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> CifarBinaryReader.readCifar10(List.of(file), Fixtures.CIFAR10_NAMES));
        assertEquals(2 * 3073, e.offset());
        assertTrue(e.getMessage().contains("short.bin") && e.getMessage().contains("record 2"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsReportedWithRecordAndOffset() throws Exception {
        Path file = dir.resolve("bad.bin");
        Files.write(file, Fixtures.cifarRecords(new int[][] {{1, 2}, {3, 100}}, 0));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> CifarBinaryReader.readCifar100(List.of(file),
                List.copyOf(java.util.Collections.nCopies(100, "x")), Cifar100Label.FINE));
        assertEquals(3074 + 1, e.offset());
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
    }

    @Test
    void metaFileWithWrongCountOrBlankLineIsRejected() throws Exception {
        Path meta = dir.resolve("batches.meta.txt");
        Files.writeString(meta, "a\nb\n");
        assertThrows(CorruptDataException.class, () -> CifarBinaryReader.readClassNames(meta, 10));
        Files.writeString(meta, "a\n\nb\n");
        assertEquals(2, assertThrows(CorruptDataException.class, () -> CifarBinaryReader.readClassNames(meta, 3)).offset());
    }
}
