package org.swa4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.swa4j.models.graph.GraphAssembler;

/**
 * Every named model maps a CIFAR image to {@code numClasses} outputs, for 10 and 100 classes, by
 * DL4J's shape inference over the configuration (the families' tests also run forward passes on
 * their CPU-sized members).
 */
class OutputShapesTest {

    @Test
    void everyModelEndsInNumClassesOutputs() {
        for (String name : Models.names()) {
            for (int k : new int[] {10, 100}) {
                ComputationGraphConfiguration conf = Models.config(name, k, 3, 32, 32, 1);
                Map<String, InputType> types = conf.getLayerActivationTypes(InputType.convolutional(32, 32, 3));
                assertEquals(InputType.feedForward(k), types.get(GraphAssembler.OUTPUT), name + " k=" + k);
                assertEquals(java.util.List.of(GraphAssembler.OUTPUT), conf.getNetworkOutputs(), name);
            }
        }
    }
}
