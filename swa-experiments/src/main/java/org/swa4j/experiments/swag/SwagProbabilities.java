package org.swa4j.experiments.swag;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.Checksums;

/**
 * The test-set probabilities of one seed's SWAG model average at each SWAG budget, with the test labels
 * ({@code models/swag-seedK-probs.bin}), which MultiSWAG averages across seeds. A small binary file,
 * big-endian ({@link DataOutputStream}), written atomically with its SHA-256 beside it ({@link Checksums}):
 * <pre>
 *   UTF    "swa4j-swag-probabilities"
 *   int    format version (1)
 *   int    N, the test examples; int C, the classes
 *   int[N] the labels (class indices), in the order of the test batches
 *   int    E, the entries; then per entry, in ascending budget:
 *          double budget (a multiple of B); int epoch (1-based, of the SWA run); double[N * C] the probabilities, row by row
 * </pre>
 * Reading checks the checksum (when the file has one), the header, that every label is a class, and the
 * end of the file; each problem is an IllegalArgumentException naming the file.
 *
 * @param labels  the test labels
 * @param entries one per budget, ascending
 */
public record SwagProbabilities(int[] labels, List<Entry> entries) {

    private static final String MAGIC = "swa4j-swag-probabilities";
    private static final int VERSION = 1;

    /** The model average at one budget, evaluated after {@code epoch} of the SWA run: {@code [N][C]}. */
    public record Entry(double budget, int epoch, double[][] probabilities) {
    }

    public SwagProbabilities {
        labels = labels.clone();
        entries = entries.stream().sorted(Comparator.comparingDouble(Entry::budget)).toList();
        for (Entry e : entries) {
            if (e.probabilities().length != labels.length) {
                throw new IllegalArgumentException("the entry of budget " + e.budget() + " holds " + e.probabilities().length
                        + " rows for " + labels.length + " labels");
            }
        }
    }

    /** The entry of {@code budget}, if there is one. */
    public Optional<Entry> entry(double budget) {
        return entries.stream().filter(e -> e.budget() == budget).findFirst();
    }

    /** Writes this to {@code file} atomically, with its checksum. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeChecked(file, stream -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            int classes = entries.isEmpty() ? 0 : entries.get(0).probabilities()[0].length;
            out.writeInt(labels.length);
            out.writeInt(classes);
            for (int y : labels) {
                out.writeInt(y);
            }
            out.writeInt(entries.size());
            for (Entry e : entries) {
                out.writeDouble(e.budget());
                out.writeInt(e.epoch());
                for (double[] row : e.probabilities()) {
                    if (row.length != classes) {
                        throw new IllegalArgumentException("probabilities of " + row.length + " classes in a file of " + classes);
                    }
                    for (double v : row) {
                        out.writeDouble(v);
                    }
                }
            }
            out.flush();
        });
    }

    /** Reads a file written by {@link #write}. */
    public static SwagProbabilities read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is missing");
        }
        Checksums.requireIntactIfChecked(file);
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
            String magic;
            try {
                magic = in.readUTF();
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " is not a SWAG probabilities file (no readable header)", e);
            }
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException(file + " is not a SWAG probabilities file (header '" + magic + "')");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(file + " has format version " + version + "; this swa4j reads " + VERSION);
            }
            int n = in.readInt();
            int classes = in.readInt();
            if (n < 1 || classes < 1) {
                throw new IllegalArgumentException(file + " holds " + n + " examples of " + classes + " classes");
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = in.readInt();
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException(file + " has label " + labels[i] + " at example " + i + ", outside [0, "
                            + classes + ")");
                }
            }
            int count = in.readInt();
            List<Entry> entries = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                double budget = in.readDouble();
                int epoch = in.readInt();
                double[][] p = new double[n][classes];
                for (double[] row : p) {
                    for (int c = 0; c < classes; c++) {
                        row[c] = in.readDouble();
                    }
                }
                entries.add(new Entry(budget, epoch, p));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException(file + " has bytes after its last entry: not a SWAG probabilities file");
            }
            return new SwagProbabilities(labels, entries);
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " ends early: truncated", e);
        }
    }

    /**
     * Adds {@code entry} to the file {@code file}, keeping the entries already there of the budgets in
     * {@code keep} evaluated before it (earlier epochs) when they are of the same labels; the rest (stale
     * entries of another run of the same cell) is dropped.
     */
    public static void put(Path file, int[] labels, Entry entry, List<Double> keep) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            SwagProbabilities old = read(file);
            if (Arrays.equals(old.labels(), labels)) {
                old.entries().stream().filter(e -> keep.contains(e.budget()) && e.epoch() < entry.epoch() && e.budget() != entry.budget())
                        .forEach(entries::add);
            }
        }
        entries.add(entry);
        new SwagProbabilities(labels, entries).write(file);
    }
}
