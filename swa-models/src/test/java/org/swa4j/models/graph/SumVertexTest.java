package org.swa4j.models.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** {@link SumVertex} against DL4J's {@code ElementWiseVertex(Add)} in the same graph, and its input checks. */
class SumVertexTest {

    /** in -> a (tanh), b (tanh), c (tanh) -> sum(a, b, c) -> out, and a second consumer of a so its gradient accumulates. */
    private static ComputationGraph graph(GraphVertex sum) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("a", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("c", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "a")
                .addVertex("sum", sum, "a", "b", "c")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "sum")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void computesWhatElementWiseAddComputes() {
        ComputationGraph ours = graph(new SumVertex());
        ComputationGraph dl4j = graph(new ElementWiseVertex(ElementWiseVertex.Op.Add));
        dl4j.setParams(ours.params().dup());
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 4);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 5, 3);
        for (int i = 0; i < 5; i++) {
            y.putScalar(i, i % 3, 1);
        }
        Map<String, INDArray> a = ours.feedForward(x, true);
        Map<String, INDArray> b = dl4j.feedForward(x, true);
        assertArrayEquals(a.get("a").add(a.get("b")).add(a.get("c")).data().asDouble(), a.get("sum").data().asDouble(), 1e-15);
        assertArrayEquals(b.get("sum").data().asDouble(), a.get("sum").data().asDouble(), 1e-15);
        for (ComputationGraph g : new ComputationGraph[] {ours, dl4j}) {
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
        }
        assertArrayEquals(dl4j.gradient().gradient().toDoubleVector(), ours.gradient().gradient().toDoubleVector(), 1e-15);
        assertEquals(dl4j.score(), ours.score(), 1e-15);
    }

    @Test
    void rejectsInputsOfDifferentTypes() {
        assertThrows(org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException.class,
                () -> new SumVertex().getOutputType(0, InputType.feedForward(3), InputType.feedForward(4)));
    }
}
