package org.swa4j.experiments.posthoc;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.geometry.BatchNormRecalibration;
import org.swa4j.experiments.geometry.CoreBatchNorm;
import org.swa4j.experiments.geometry.DataArguments;
import org.swa4j.experiments.geometry.PointEvaluator;
import org.swa4j.experiments.geometry.TrainableParameters;
import org.swa4j.experiments.results.AtomicFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code swa average MODEL... --bn-data NAME --out FILE [--test-data NAME]}: SWA for users who only
 * have checkpoints. Averages the trainable weights of the saved models ({@link CheckpointAverage}),
 * recomputes the BatchNorm statistics with one pass over the named data set's training split
 * ({@code BatchNormUpdate}, torch {@code update_bn}), writes the averaged model (without updater
 * state) atomically, and prints its test accuracy and NLL when a test set is named.
 *
 * <p>Refuses, before writing anything: unreadable files, models of different architectures or
 * parameter layouts (naming the file and the difference), a model with BN layers but no
 * {@code --bn-data}, and an output path that is one of the inputs.
 */
@Command(name = "average", mixinStandardHelpOptions = true,
        description = "Average saved DL4J models of one architecture (post-hoc SWA), recompute BatchNorm, write the result.")
public final class AverageCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "MODEL", description = "saved DL4J model files (MultiLayerNetwork or ComputationGraph zips)")
    List<Path> models;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the averaged model")
    Path out;

    @Option(names = "--bn-data", paramLabel = "NAME", description = "data set whose training split recomputes the BN statistics (required when the models have BatchNorm)")
    String bnData;

    @Option(names = "--test-data", paramLabel = "NAME", description = "data set whose test split is evaluated after averaging")
    String testData;

    @Mixin
    DataArguments data = new DataArguments();

    private final BatchNormRecalibration batchNorm;
    private final PrintStream stdout;

    /** The command as a picocli subcommand: swa-core's BatchNormUpdate, printing to standard output. */
    public AverageCommand() {
        this(CoreBatchNorm.recalibration(), System.out);
    }

    AverageCommand(BatchNormRecalibration batchNorm, PrintStream stdout) {
        this.batchNorm = batchNorm;
        this.stdout = stdout;
    }

    /** {@code swa average ARGS} with this command's collaborators; returns the exit code ({@link org.swa4j.experiments.Main}). */
    static int run(String[] args, BatchNormRecalibration batchNorm, PrintStream stdout) {
        String[] command = new String[args.length + 1];
        command[0] = "average";
        System.arraycopy(args, 0, command, 1, args.length);
        return Main.executeWith(new AverageCommand(batchNorm, stdout), stdout, command);
    }

    @Override
    public Integer call() throws Exception {
        for (Path m : models) {
            if (m.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--out " + out + " is one of the input models; choose another file");
            }
        }
        stdout.printf("averaging %d models ...%n", models.size());
        Model average = CheckpointAverage.of(models);
        TrainableParameters layout = TrainableParameters.of(average);
        stdout.printf("averaged %d models, %d trainable parameters%n", models.size(), layout.length());
        if (layout.hasBatchNorm()) {
            if (bnData == null) {
                throw new IllegalArgumentException("the models have BatchNorm layers: name a data set with --bn-data "
                        + "(their statistics must be recomputed for the averaged weights)");
            }
            ImageDataset set = data.open(bnData);
            DataSetIterator train = set.train(data.batchSize(), data.seed(), data.augment());
            batchNorm.recompute(average, train);
            stdout.printf("BN statistics recomputed on %s: %d training examples, %s, seed %d%n", bnData,
                    set.trainSize(), data.augment() ? "augmented" : "not augmented", data.seed());
        } else if (bnData != null) {
            stdout.println("the models have no BatchNorm layers: --bn-data is not needed and was not used");
        }
        // ModelSerializer closes the stream it writes to; AtomicFiles must close (and sync) it itself.
        AtomicFiles.write(out, stream -> ModelSerializer.writeModel(average, new java.io.FilterOutputStream(stream) {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws java.io.IOException {
                flush();
            }
        }, false));
        stdout.printf("wrote %s%n", out);
        if (testData != null) {
            ImageDataset set = data.open(testData);
            double[] lossAndError = PointEvaluator.lossAndError(average, set.test(data.batchSize()));
            stdout.printf("test accuracy on %s: %.2f%% (%d examples), test NLL %.4f%n", testData,
                    100 - lossAndError[1], set.testSize(), lossAndError[0]);
        }
        return 0;
    }
}
