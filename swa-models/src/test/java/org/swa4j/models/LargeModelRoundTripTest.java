package org.swa4j.models;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ModelSerializer save/load round trip (to a file, updater included) of the named models that the
 * per-family tests leave out for size: the reloaded network has the same configuration, exactly the
 * same parameters and exactly the same inference output on 2 seeded random CIFAR-shaped images
 * (inference makes Shake-Shake deterministic). vgg16 and vgg16bn are covered by VggTest, the
 * smaller instances of each family by the family tests. One model per invocation, so each is
 * garbage once its invocation ends.
 */
class LargeModelRoundTripTest {

    @ParameterizedTest
    @ValueSource(strings = {"preresnet164", "wrn28x10", "shakeshake26_2x64d", "pyramidnet272_a200"})
    void savedAndRestoredModelPredictsIdentically(String name, @TempDir Path dir) throws IOException {
        ComputationGraph graph = Models.create(name, 10, 3, 32, 32, 11);
        File file = dir.resolve(name + ".zip").toFile();
        ModelSerializer.writeModel(graph, file, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(file, true);
        INDArray x = ModelTesting.randomImages(2, InputShape.CIFAR, 13);
        ModelTesting.assertSameModel(graph, back, x);
    }
}
