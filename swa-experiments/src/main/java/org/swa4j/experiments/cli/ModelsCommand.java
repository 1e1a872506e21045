package org.swa4j.experiments.cli;

import java.util.concurrent.Callable;

import org.swa4j.models.ModelInfo;
import org.swa4j.models.Models;

import picocli.CommandLine.Command;

/** {@code swa models}: every model with its trainable parameters (10 / 100 classes) and MACs per image. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models: trainable parameters for 10 and 100 classes (BN running statistics excluded) and "
                + "multiply-accumulates per 3x32x32 image.")
public final class ModelsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.printf("%-22s %14s %14s %16s%n", "model", "params (10)", "params (100)", "MACs/image");
        for (String name : Models.names()) {
            ModelInfo i = Models.info(name);
            System.out.printf("%-22s %,14d %,14d %,16d%n", name, i.params10(), i.params100(), i.macsPerImage());
        }
        return 0;
    }
}
