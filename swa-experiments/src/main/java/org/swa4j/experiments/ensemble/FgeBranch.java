package org.swa4j.experiments.ensemble;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.train.EpochOutcome;
import org.swa4j.experiments.train.LearningRates;
import org.swa4j.experiments.train.Momentum;
import org.swa4j.experiments.train.TrainAccuracyListener;
import org.swa4j.experiments.train.TrainingEpoch;

/**
 * FGE cycles run from a given network: the triangular rate between {@code lr1} and {@code lr2} per
 * iteration with a cycle of {@code cycle} iterations, a snapshot at each cycle's minimum (the runner's
 * FGE rule, {@link Schedules#fge}), until {@code snapshots} are taken. Training passes are numbered
 * from {@code firstPass}, so a branch is a deterministic function of its inputs. The network passed
 * in is trained in place.
 */
final class FgeBranch {

    private FgeBranch() {
    }

    static List<ComputationGraph> run(ComputationGraph net, EpochIterator train, long seed, int firstPass, long cycle,
            double lr1, double lr2, int snapshots) throws IOException {
        if (snapshots < 2 || cycle < 2) {
            throw new IllegalArgumentException("an FGE branch needs >= 2 snapshots and a cycle of >= 2 iterations, got "
                    + snapshots + " and " + cycle);
        }
        TrainAccuracyListener accuracy = new TrainAccuracyListener(net);
        net.addListeners(accuracy);
        List<Momentum> updaters = LearningRates.updaters(net);
        FgeSchedule schedule = FgeSchedule.ofIterations(lr1, lr2, Math.toIntExact(cycle), 0);
        List<ComputationGraph> taken = new ArrayList<>();
        long iteration = 0;
        for (int pass = firstPass; taken.size() < snapshots; pass++) {
            EpochOutcome o = TrainingEpoch.run(net, train, pass, seed, iteration, accuracy,
                    i -> LearningRates.set(updaters, schedule.valueAt(Math.toIntExact(i), 0)), i -> {
                        if (schedule.isSnapshotIteration(Math.toIntExact(i)) && taken.size() < snapshots) {
                            taken.add(net.clone());
                        }
                    });
            if (o.diverged()) {
                throw new IllegalStateException("the FGE branch with lr1 " + lr1 + " diverged in pass " + pass);
            }
            iteration += o.iterations();
        }
        net.setListeners();
        return taken;
    }
}
