package org.swa4j.experiments.swag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.CorruptFileException;

/** The probabilities file: its documented bytes, keeping earlier budgets, and refusing damaged files by name. */
class SwagProbabilitiesTest {

    @TempDir
    Path tmp;

    static final int[] LABELS = {1, 0};
    static final double[][] P = {{0.25, 0.75}, {0.5, 0.5}};

    @Test
    void writesTheDocumentedBytes() throws Exception {
        Path f = tmp.resolve("swag-seed1-probs.bin");
        new SwagProbabilities(LABELS, List.of(new SwagProbabilities.Entry(1.5, 3, P))).write(f);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.writeUTF("swa4j-swag-probabilities");
        out.writeInt(1);
        out.writeInt(2);
        out.writeInt(2);
        out.writeInt(1);
        out.writeInt(0);
        out.writeInt(1);
        out.writeDouble(1.5);
        out.writeInt(3);
        for (double v : new double[] {0.25, 0.75, 0.5, 0.5}) {
            out.writeDouble(v);
        }
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(f));
        assertTrue(Checksums.hasChecksum(f));
        SwagProbabilities back = SwagProbabilities.read(f);
        assertArrayEquals(LABELS, back.labels());
        assertArrayEquals(P, back.entry(1.5).orElseThrow().probabilities());
        assertEquals(3, back.entry(1.5).orElseThrow().epoch());
    }

    @Test
    void putKeepsTheEarlierBudgetsAndDropsStaleEntries() throws Exception {
        Path f = tmp.resolve("p.bin");
        double[][] q = {{0.1, 0.9}, {0.8, 0.2}};
        SwagProbabilities.put(f, LABELS, new SwagProbabilities.Entry(1.0, 2, P), List.of(1.0, 1.5));
        SwagProbabilities.put(f, LABELS, new SwagProbabilities.Entry(1.5, 3, q), List.of(1.0, 1.5));
        SwagProbabilities both = SwagProbabilities.read(f);
        assertEquals(List.of(1.0, 1.5), both.entries().stream().map(SwagProbabilities.Entry::budget).toList());
        assertArrayEquals(P, both.entry(1.0).orElseThrow().probabilities());
        assertArrayEquals(q, both.entry(1.5).orElseThrow().probabilities());
        // the job evaluated again from its first budget (a restarted cell): the later entry is stale and goes
        SwagProbabilities.put(f, LABELS, new SwagProbabilities.Entry(1.0, 2, q), List.of(1.0, 1.5));
        SwagProbabilities again = SwagProbabilities.read(f);
        assertEquals(List.of(1.0), again.entries().stream().map(SwagProbabilities.Entry::budget).toList());
        assertArrayEquals(q, again.entry(1.0).orElseThrow().probabilities());
    }

    @Test
    void refusesDamagedTruncatedAndForeignFilesByName() throws Exception {
        Path f = tmp.resolve("p.bin");
        new SwagProbabilities(LABELS, List.of(new SwagProbabilities.Entry(1.5, 3, P))).write(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 3] ^= 1;
        Files.write(f, bytes);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> SwagProbabilities.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("does not match its SHA-256"), e.getMessage());
        Files.delete(Checksums.sidecar(f));
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 9));
        assertEquals(f + " ends early: truncated",
                assertThrows(IllegalArgumentException.class, () -> SwagProbabilities.read(f)).getMessage());
        Files.writeString(f, "not this");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SwagProbabilities.read(f)).getMessage()
                .startsWith(f + " is not a SWAG probabilities file"));
        assertEquals(tmp.resolve("none.bin") + " is missing",
                assertThrows(IllegalArgumentException.class, () -> SwagProbabilities.read(tmp.resolve("none.bin"))).getMessage());
    }
}
