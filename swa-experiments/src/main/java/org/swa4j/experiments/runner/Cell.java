package org.swa4j.experiments.runner;

import java.util.ArrayList;
import java.util.List;

import org.swa4j.experiments.preset.Preset;

/**
 * One unit of work: a training job for one seed. Job {@code sgd} trains the SGD run and, along the
 * same trajectory, the EMA (it writes the sgd and ema records); job {@code fge} continues from the
 * SGD checkpoint at 80% of the budget (retraining it deterministically if that checkpoint is missing or damaged);
 * job {@code swa} trains the single 1.5-budget SWA run (and SWAG along it).
 */
public record Cell(String job, int seed) {

    /** Every cell of a preset, seed-major: (sgd,1), (fge,1), (swa,1), (sgd,2), ... */
    public static List<Cell> all(Preset p) {
        List<Cell> cells = new ArrayList<>();
        for (int seed = 1; seed <= p.seeds(); seed++) {
            for (String job : jobs(p)) {
                cells.add(new Cell(job, seed));
            }
        }
        return cells;
    }

    /** The jobs a preset needs: sgd if it compares sgd or ema, then fge, then swa. */
    public static List<String> jobs(Preset p) {
        List<String> jobs = new ArrayList<>();
        if (p.methods().contains("sgd") || p.methods().contains("ema")) {
            jobs.add("sgd");
        }
        if (p.methods().contains("fge")) {
            jobs.add("fge");
        }
        if (p.methods().contains("swa")) {
            jobs.add("swa");
        }
        return jobs;
    }

    /** The methods whose records this job writes: sgd and ema, fge, or swa and swag (multiswag has no job of its own). */
    public List<String> methods(Preset p) {
        if (job.equals("sgd")) {
            return p.methods().stream().filter(m -> m.equals("sgd") || m.equals("ema")).toList();
        }
        if (job.equals("swa")) {
            return p.methods().stream().filter(m -> m.equals("swa") || m.equals("swag")).toList();
        }
        return List.of(job);
    }

    @Override
    public String toString() {
        return job + "/seed" + seed;
    }
}
