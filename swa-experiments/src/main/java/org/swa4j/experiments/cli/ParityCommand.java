package org.swa4j.experiments.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.swa4j.experiments.parity.ParityFiles;
import org.swa4j.experiments.parity.PeerComparison;
import org.swa4j.experiments.results.ResultsDirectory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code swa parity DIR PEER_DIR}: compare swa4j's results with the PyTorch peer's, method by method and budget by budget. */
@Command(name = "parity", mixinStandardHelpOptions = true,
        description = "Compare a swa4j results directory with the PyTorch peer's (benchmarks/pytorch/parity.py, same preset): "
                + "per method and budget, n, mean ± std of test accuracy, test NLL and the last epoch's training loss on each side, the difference swa4j − PyTorch "
                + "with its 95%% Welch confidence interval, and Welch's p. Writes FILE_PREFIX.csv and FILE_PREFIX.md.")
public final class ParityCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "swa4j's results directory")
    Path dir;

    @Parameters(index = "1", paramLabel = "PEER_DIR", description = "the PyTorch peer's results directory")
    Path peer;

    @Option(names = "--out", paramLabel = "FILE_PREFIX",
            description = "write FILE_PREFIX.csv and FILE_PREFIX.md (default: DIR/parity, which `swa report DIR` includes)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PeerComparison.Result result = PeerComparison.compare(dir, peer);
        var files = ParityFiles.write(result, out != null ? out : new ResultsDirectory(dir).parity());
        System.out.print(ParityFiles.csv(result.rows()));
        System.out.println("parity: " + files.get(0) + " and " + files.get(1));
        return 0;
    }
}
