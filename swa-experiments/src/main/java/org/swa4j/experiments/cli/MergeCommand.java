package org.swa4j.experiments.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.swa4j.experiments.report.ReportGenerator;
import org.swa4j.experiments.results.Merge;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.Summary;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code swa merge DIR... --out DIR}: combine shard directories of one preset and write the combined report. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Combine results directories of the same preset (e.g. one per --shard) into one, then write its summary and report. "
                + "Unfinished runs are left out and listed.")
public final class MergeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "results directories to combine")
    List<Path> sources;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory of the combined results")
    Path out;

    @Option(names = "--models", description = "also bring every finished run's files under models/ (networks, snapshots, SWAG state; "
            + "hard links where the file system allows, else copies), so that geometry, shift, ensemble-gap and swag run on the "
            + "combined directory")
    boolean models;

    @Override
    public Integer call() throws Exception {
        Merge.Outcome outcome = Merge.merge(sources, out, "swa merge " + sources + " --out " + out + (models ? " --models" : ""),
                models);
        for (String s : outcome.leftOut()) {
            System.out.println("left out (unfinished): " + s);
        }
        if (models) {
            System.out.printf(Locale.ROOT, "model files: %d brought (%.1f MB; %d hard links, %d copies)%n",
                    outcome.modelFiles(), outcome.modelBytes() / 1e6, outcome.linked(), outcome.modelFiles() - outcome.linked());
        }
        ResultsDirectory merged = new ResultsDirectory(out);
        System.out.print(Summary.csv(ReportGenerator.regenerate(merged)));
        System.out.println("report: " + merged.reportMarkdown());
        return 0;
    }
}
