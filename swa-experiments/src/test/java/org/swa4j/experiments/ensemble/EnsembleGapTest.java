package org.swa4j.experiments.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.runner.TinyRunAccess;

/**
 * The Section 3.5 measurement against quantities computed here from their definitions, and the
 * orders the paper's argument predicts on a smooth network: perturbations ε D_i with Σ D_i = 0 give
 * a gap that grows as ε² and a spread that grows as ε.
 */
class EnsembleGapTest {

    private static ComputationGraph net(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(5).nOut(8).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static ListDataSetIterator<DataSet> data(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.DOUBLE, n, 5).muli(2);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        return new ListDataSetIterator<>(new DataSet(x, y).asList(), 16);
    }

    /** Snapshots center + ε D_i for i < n, with D_i random and Σ D_i = 0. */
    private static List<ComputationGraph> around(ComputationGraph center, double eps, int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        long len = center.params().length();
        List<INDArray> d = new ArrayList<>();
        INDArray sum = Nd4j.zeros(DataType.DOUBLE, 1, len);
        for (int i = 0; i < n; i++) {
            d.add(Nd4j.randn(DataType.DOUBLE, 1, len));
            sum.addi(d.get(i));
        }
        List<ComputationGraph> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ComputationGraph s = center.clone();
            s.setParams(center.params().add(d.get(i).sub(sum.div(n)).muli(eps)));
            out.add(s);
        }
        return out;
    }

    @Test
    void measuresTheDefinitions() {
        ComputationGraph center = net(1);
        List<ComputationGraph> snaps = around(center, 0.3, 3, 7);
        ListDataSetIterator<DataSet> test = data(40, 3);
        GapPoint g = EnsembleGap.measure("t", 0.1, snaps, x -> { }, test);

        INDArray mean = snaps.get(0).params().add(snaps.get(1).params()).add(snaps.get(2).params()).div(3);
        double delta = 0;
        for (ComputationGraph s : snaps) {
            delta = Math.max(delta, s.params().sub(mean).norm2Number().doubleValue());
        }
        ComputationGraph avg = center.clone();
        avg.setParams(mean);
        double gap = 0;
        double spread = 0;
        int disagree = 0;
        int ensRight = 0;
        int avgRight = 0;
        test.reset();
        DataSet all = test.next();
        while (test.hasNext()) {
            all = DataSet.merge(List.of(all, test.next()));
        }
        INDArray x = all.getFeatures();
        INDArray[] p = new INDArray[3];
        for (int i = 0; i < 3; i++) {
            p[i] = snaps.get(i).outputSingle(x);
        }
        INDArray pAvg = avg.outputSingle(x);
        for (int r = 0; r < 40; r++) {
            double[] ens = new double[3];
            for (int c = 0; c < 3; c++) {
                ens[c] = (p[0].getDouble(r, c) + p[1].getDouble(r, c) + p[2].getDouble(r, c)) / 3;
            }
            double tv = 0;
            for (int c = 0; c < 3; c++) {
                tv += 0.5 * Math.abs(ens[c] - pAvg.getDouble(r, c));
            }
            gap += tv / 40;
            for (int i = 0; i < 3; i++) {
                double t = 0;
                for (int c = 0; c < 3; c++) {
                    t += 0.5 * Math.abs(p[i].getDouble(r, c) - ens[c]);
                }
                spread += t / 3 / 40;
            }
            int label = r % 3;
            int ensClass = argMax(ens);
            int avgClass = argMax(pAvg.getRow(r).toDoubleVector());
            disagree += ensClass != avgClass ? 1 : 0;
            ensRight += ensClass == label ? 1 : 0;
            avgRight += avgClass == label ? 1 : 0;
        }
        assertEquals(delta, g.delta(), 1e-6 * delta, "trainable weights are read as float");
        assertEquals(gap, g.gap(), 1e-9);
        assertEquals(spread, g.spread(), 1e-9);
        assertEquals(100.0 * disagree / 40, g.disagreement(), 1e-9);
        assertEquals(100.0 * ensRight / 40, g.ensembleAccuracy(), 1e-9);
        assertEquals(100.0 * avgRight / 40, g.swaAccuracy(), 1e-9);
    }

    @Test
    void theGapIsSecondOrderAndTheSpreadFirstOrderInDelta() {
        ComputationGraph center = net(2);
        ListDataSetIterator<DataSet> test = data(64, 5);
        double[] delta = new double[4];
        double[] gap = new double[4];
        double[] spread = new double[4];
        double eps = 0.002;
        for (int k = 0; k < 4; k++, eps *= 2) {
            GapPoint g = EnsembleGap.measure("eps", eps, around(center, eps, 4, 11), x -> { }, test);
            delta[k] = g.delta();
            gap[k] = g.gap();
            spread[k] = g.spread();
        }
        double gapOrder = EnsembleGap.logLogSlope(delta, gap);
        double spreadOrder = EnsembleGap.logLogSlope(delta, spread);
        assertEquals(2.0, gapOrder, 0.05, "gap ~ Delta^2");
        assertEquals(1.0, spreadOrder, 0.05, "spread ~ Delta");
    }

    @Test
    void logLogSlopeOfAPowerLawIsItsExponentAndBadInputIsRefused() {
        double[] x = {0.5, 1, 2, 4};
        double[] y = {3 * 0.25, 3, 12, 48};
        assertEquals(2.0, EnsembleGap.logLogSlope(x, y), 1e-12);
        assertTrue(Double.isNaN(EnsembleGap.logLogSlope(new double[] {1}, new double[] {1})));
        assertThrows(IllegalArgumentException.class, () -> EnsembleGap.measure("one", 0.1, List.of(net(1)), x2 -> { }, data(4, 1)));
    }

    @Test
    void theCommandMeasuresAFinishedRunAndTheReportIncludesIt() throws Exception {
        Path dir = TinyRunAccess.copyOfFinishedTinyRun();
        TestOutput.Result r = TestOutput.execute("ensemble-gap", dir.toString(), "--lr-scales", "0.5,1");
        assertEquals(0, r.exitCode(), r.text());
        List<String> csv = Files.readAllLines(dir.resolve("ensemble-gap/gap.csv"));
        assertEquals(4, csv.size(), "header, the run's FGE snapshots and two branches: " + csv);
        assertTrue(csv.get(1).startsWith("1,run's FGE,2,"), csv.get(1));
        assertTrue(Files.isRegularFile(dir.resolve("ensemble-gap/gap.png")));
        TestOutput.Result report = TestOutput.execute("report", dir.toString());
        assertEquals(0, report.exitCode(), report.text());
        assertTrue(Files.readString(dir.resolve("report.md")).contains("## Averaging weights vs averaging predictions"));
        assertTrue(Files.readString(dir.resolve("report.html")).contains("Averaging weights vs averaging predictions"));
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void theSectionNamesItsCommandCodeAndMachine() throws Exception {
        Preset p = Presets.load("quick");
        GapPoint g = new GapPoint("run's FGE", 4, 0.05, 2.5, 0.01, 0.02, 0.5, 93.0, 93.1);
        Provenance prov = new Provenance("abc123", "0.1.0",
                "1.0.0-M2.1", "CpuBackend (test)", "JVM x", "Linux y", "CPU z, 2 logical cores", 2, "as saved", "t0", "t1");
        String md = EnsembleGapCommand.section(p, List.of(1), 469, 0.2, List.of(g),
                List.<String[]>of(new String[] {"1", "run's FGE", "4", "0.05", "2.5", "0.01", "0.02", "0.5", "93.0", "93.1"}), 1.1, 0.6,
                "swa ensemble-gap runs/x --seeds 1 --lr-scales 0.25,0.5", prov);
        assertTrue(md.contains("- Command: `swa ensemble-gap runs/x --seeds 1 --lr-scales 0.25,0.5`\n"), md);
        assertTrue(md.contains("- Code: swa4j 0.1.0 at abc123; DL4J 1.0.0-M2.1; backend CpuBackend (test)\n"), md);
        assertTrue(md.contains("- Machine: CPU z, 2 logical cores; Linux y; JVM x; threads 2; t0 to t1\n"), md);
        assertTrue(md.contains("| 1 | run's FGE | 4 | 2.5 | 0.01 | 0.02 | 0.5 | 93.0 | 93.1 |"), md);
    }
}
