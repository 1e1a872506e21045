package org.swa4j.experiments.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.swa4j.experiments.report.ReportGenerator;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.Summary;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code swa report DIR}: regenerate summary.csv, report.md, report.html and the plots from the run records. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Regenerate summary.csv, report.md, report.html and plots/ of a results directory from its run records.")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "results directory")
    Path dir;

    @Override
    public Integer call() throws Exception {
        ResultsDirectory results = new ResultsDirectory(dir);
        var rows = ReportGenerator.regenerate(results);
        System.out.print(Summary.csv(rows));
        System.out.println("report: " + results.reportMarkdown() + " and " + results.reportHtml());
        return 0;
    }
}
