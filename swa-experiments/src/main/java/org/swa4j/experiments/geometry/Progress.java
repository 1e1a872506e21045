package org.swa4j.experiments.geometry;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress of an analysis of {@code total} points, each one BN update plus one evaluation: prints
 * the number of points when created, the ETA measured from the first point, and a line roughly
 * every tenth of the work.
 */
public final class Progress {

    private final String task;
    private final int total;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private int done;

    public Progress(String task, int total, PrintStream out) {
        if (total < 1) {
            throw new IllegalArgumentException("an analysis needs at least one point, got " + total);
        }
        this.task = task;
        this.total = total;
        this.out = out;
        out.printf("%s: %d points to evaluate (each one BN update and one evaluation)%n", task, total);
    }

    /** A progress reporter that prints nothing. */
    public static Progress silent(int total) {
        return new Progress("", total, new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    /** Records one finished point. */
    public void step() {
        done++;
        double seconds = (System.nanoTime() - start) / 1e9;
        double perPoint = seconds / done;
        if (done == 1 && total > 1) {
            out.printf("%s: first point took %.1f s; ETA %s for the remaining %d%n",
                    task, perPoint, format(perPoint * (total - 1)), total - 1);
        } else if (done == total || done % Math.max(1, total / 10) == 0) {
            out.printf("%s: %d/%d points, %s elapsed, ETA %s%n", task, done, total, format(seconds),
                    format(perPoint * (total - done)));
        }
    }

    static String format(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
