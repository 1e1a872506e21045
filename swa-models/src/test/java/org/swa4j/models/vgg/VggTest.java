package org.swa4j.models.vgg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.swa4j.models.InputShape;
import org.swa4j.models.ModelTesting;
import org.swa4j.models.Models;

class VggTest {

    @Test
    void vgg16OutputShapesAndRoundTrip() {
        ComputationGraph g = Models.create("vgg16", 100, 3, 32, 32, 2);
        ModelTesting.assertRoundTrip(g, ModelTesting.randomImages(2, InputShape.CIFAR, 3));
        assertEquals(100, g.outputSingle(false, ModelTesting.randomImages(2, InputShape.CIFAR, 3)).size(1));
    }

    @Test
    void vgg16bnOutputShapesAndRoundTrip() {
        ComputationGraph g = Models.create("vgg16bn", 10, 3, 32, 32, 2);
        ModelTesting.assertRoundTrip(g, ModelTesting.randomImages(2, InputShape.CIFAR, 3));
    }

    @Test
    void vgg16bnDiffersFromTheReferenceByTheRedundantConvBiasesOnly() {
        int biases = 2 * 64 + 2 * 128 + 3 * 256 + 6 * 512;
        int bnParams = 2 * biases;
        assertEquals(Models.info("vgg16").params10() - biases + bnParams, Models.info("vgg16bn").params10());
    }

    @Test
    void dropoutIsInTheClassifierOnly() {
        var names = Models.config("vgg16", 10, 3, 32, 32, 1).getVertices().keySet();
        assertEquals(List.of("classifier.dropout1", "classifier.dropout2"),
                names.stream().filter(n -> n.contains("dropout")).sorted().toList());
        var noDropout = new VggSpec(VggSpec.VGG16, false, 512, 0.0, 10, InputShape.CIFAR).config(
                org.swa4j.models.BuildSettings.of(1)).getVertices().keySet();
        assertTrue(noDropout.stream().noneMatch(n -> n.contains("dropout")));
    }

    @Test
    void gradientCheckOfATinyVgg() {
        // Wide enough that no example's hidden layer is entirely dead: with zero-initialised biases an
        // all-zero input puts the next ReLU exactly on its kink, where no gradient check can pass.
        InputShape in = new InputShape(2, 4, 4);
        for (boolean bn : new boolean[] {false, true}) {
            VggSpec tiny = new VggSpec(List.of(List.of(2), List.of(3, 3)), bn, 6, 0.0, 3, in);
            ComputationGraph g = ModelTesting.assertGradientsMatch(tiny.config(ModelTesting.DOUBLE), in);
            if (!bn) {
                ModelTesting.assertGradientCheckUtilPasses(g, in); // every parameter, DL4J's own checker
            }
        }
    }

    @Test
    void rejectsImpossibleSpecs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VggSpec.vgg16(false, 10, new InputShape(3, 16, 16)));
        assertTrue(e.getMessage().contains(">= 32"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new VggSpec(List.of(List.of(0)), false, 512, 0.5, 10, InputShape.CIFAR));
        assertThrows(IllegalArgumentException.class,
                () -> new VggSpec(VggSpec.VGG16, false, 512, 1.0, 10, InputShape.CIFAR));
    }
}
