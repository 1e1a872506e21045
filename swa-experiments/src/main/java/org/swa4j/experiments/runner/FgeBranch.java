package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.train.EpochOutcome;

/**
 * FGE cycles run from a given network, outside a results directory: the rate and snapshot points of
 * {@code schedule} (FGE's triangular rate per iteration, a snapshot at each cycle's minimum,
 * iterations counted from the branch's start as the fge job counts them), trained by the runner's
 * {@link TrainingEngine.Trainer} until {@code snapshots} are taken; the pass in which the last is
 * taken is trained to its end. Passes are numbered from {@code firstPass}, so a branch is a
 * deterministic function of its inputs: from the fge job's starting network, its pass and its
 * schedule, it takes the job's snapshots. The network passed in is trained in place; its listeners
 * are removed at the end.
 *
 * <p>Rejects fewer than 2 snapshots and a network whose loss becomes NaN or infinite.
 */
public final class FgeBranch {

    private FgeBranch() {
    }

    /** The first {@code snapshots} snapshots of {@code schedule} on {@code train}, from pass {@code firstPass}. */
    public static List<ComputationGraph> run(ComputationGraph net, EpochIterator train, long seed, int firstPass,
            FgeSchedule schedule, int snapshots) throws IOException {
        if (snapshots < 2) {
            throw new IllegalArgumentException("an FGE branch needs >= 2 snapshots, got " + snapshots);
        }
        TrainingEngine.Trainer trainer = new TrainingEngine.Trainer(net, train, seed, new Schedules.Rate(schedule, true));
        List<ComputationGraph> taken = new ArrayList<>();
        long iteration = 0;
        for (int pass = firstPass; taken.size() < snapshots; pass++) {
            EpochOutcome o = trainer.epoch(pass, iteration, i -> {
                if (schedule.isSnapshotIteration(Math.toIntExact(i)) && taken.size() < snapshots) {
                    taken.add(net.clone());
                }
            });
            if (o.diverged()) {
                throw new IllegalStateException("the FGE branch with lr1 " + schedule.getLr1() + " diverged in pass " + pass);
            }
            iteration += o.iterations();
        }
        trainer.detach();
        return taken;
    }
}
