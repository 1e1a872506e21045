package org.swa4j.experiments.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Progress of a run: one line per event on standard output and appended (flushed) to
 * {@code swa.log} in the results directory, each line prefixed with the UTC time. The ETA counts
 * epochs: remaining epochs of the planned work times the mean seconds per epoch so far.
 */
public final class ProgressLog implements AutoCloseable {

    private final Writer file;
    private long plannedEpochs;
    private long doneEpochs;
    private double doneSeconds;

    public ProgressLog(Path log, long plannedEpochs) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        this.file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.plannedEpochs = plannedEpochs;
    }

    /** Prints and logs {@code line}. */
    public synchronized void line(String line) {
        String stamped = Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line;
        System.out.println(stamped);
        try {
            file.write(stamped);
            file.write('\n');
            file.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts an epoch of {@code seconds} towards the ETA and returns the ETA text. */
    public synchronized String epochDone(double seconds) {
        doneEpochs++;
        doneSeconds += seconds;
        long remaining = Math.max(0, plannedEpochs - doneEpochs);
        return "ETA " + duration(remaining * doneSeconds / doneEpochs);
    }

    /** Counts epochs already done before this process (resume) without timing them. */
    public synchronized void skip(long epochs) {
        plannedEpochs -= epochs;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
