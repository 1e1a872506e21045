package org.swa4j.data;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.data.download.TarGzExtractor;
import org.swa4j.data.format.CifarBinaryReader;
import org.swa4j.data.format.CifarBinaryReader.Cifar100Label;
import org.swa4j.data.format.IdxReader;
import org.swa4j.data.format.ImageDecoder;

/**
 * Feeds random bytes, truncated valid files and valid files with random bytes flipped to every reader and
 * asserts that the only exceptions coming out are swa-data's own ({@link DataException} and subclasses).
 */
class ReaderFuzzTest {
    @TempDir
    Path dir;

    private final Random random = new Random(20180314);

    private void fuzz(String reader, byte[] valid, Consumer<Path> read) throws Exception {
        Path file = dir.resolve(reader + ".bin");
        int cases = 0;
        for (int k = 0; k < 60; k++) {
            byte[] input = switch (k % 3) {
                case 0 -> {
                    byte[] b = new byte[random.nextInt(valid.length + 64)];
                    random.nextBytes(b);
                    if (k % 2 == 0 && b.length > 4) {
                        System.arraycopy(valid, 0, b, 0, Math.min(4, valid.length)); // a plausible header
                    }
                    yield b;
                }
                case 1 -> Arrays.copyOf(valid, random.nextInt(valid.length));
                default -> {
                    byte[] b = valid.clone();
                    for (int f = 0; f < 1 + random.nextInt(8); f++) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                    yield b;
                }
            };
            Files.write(file, input);
            try {
                read.accept(file);
            } catch (DataException expected) {
                cases++;
            } catch (Throwable t) {
                fail(reader + " threw " + t + " (not a DataException) for case " + k + " of length " + input.length, t);
            }
        }
        if (cases == 0) {
            fail(reader + ": no fuzz case was rejected; the fuzzing does not reach the checks");
        }
    }

    @Test
    void idxReaderRawAndGzip() throws Exception {
        byte[] data = new byte[5 * 4 * 4];
        random.nextBytes(data);
        byte[] raw = Fixtures.idx(new int[] {5, 4, 4}, data);
        fuzz("idx", raw, f -> IdxReader.read(f, 3));
        fuzz("idxgz", Fixtures.gzip(raw), f -> IdxReader.read(f, 3));
    }

    @Test
    void cifarReaders() throws Exception {
        byte[] ten = Fixtures.cifarRecords(new int[][] {{1}, {9}, {0}}, 0);
        fuzz("cifar10", ten, f -> CifarBinaryReader.readCifar10(List.of(f), Fixtures.CIFAR10_NAMES));
        byte[] hundred = Fixtures.cifarRecords(new int[][] {{1, 50}, {19, 99}}, 0);
        fuzz("cifar100", hundred, f -> CifarBinaryReader.readCifar100(List.of(f),
                java.util.Collections.nCopies(20, "c"), Cifar100Label.COARSE));
        fuzz("meta", String.join("\n", Fixtures.CIFAR10_NAMES).getBytes(), f -> CifarBinaryReader.readClassNames(f, 10));
    }

    @Test
    void imageDecoder() throws Exception {
        Path jpeg = dir.resolve("img.jpeg");
        Fixtures.writeJpeg(jpeg, 24, 16, 0x336699, false);
        fuzz("jpeg", Files.readAllBytes(jpeg), ImageDecoder::decode);
    }

    @Test
    void tarGzExtractor() throws Exception {
        byte[] archive = Fixtures.tarGz(java.util.Map.of("d/a.bin", new byte[700], "d/b.txt", "xy".getBytes()));
        int[] n = {0};
        fuzz("targz", archive, f -> TarGzExtractor.extract(f, dir.resolve("out" + n[0]++)));
    }
}
