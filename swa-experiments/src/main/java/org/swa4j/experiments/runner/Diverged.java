package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.RunRecord;

/**
 * A job whose training loss became NaN or infinite: its records get status {@code diverged} with
 * the epoch and the metrics up to it, no results (so it never enters an average), and its
 * checkpoint is removed so {@code resume} does not retry it.
 */
final class Diverged {

    private Diverged() {
    }

    static void mark(JobContext ctx, List<String> methods, int epoch, Map<String, List<EpochMetrics>> epochs) throws IOException {
        for (String m : methods) {
            ctx.writeRecord(m, RunRecord.DIVERGED, epoch, epochs.getOrDefault(m, List.of()), List.of(), true);
        }
        ctx.checkpoints().delete();
        ctx.log().line(ctx.cell() + ": DIVERGED (non-finite training loss) in epoch " + epoch + "; " + methods
                + " marked diverged and left out of every average");
    }
}
