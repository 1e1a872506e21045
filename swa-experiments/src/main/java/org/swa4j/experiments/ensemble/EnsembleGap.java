package org.swa4j.experiments.ensemble;

import java.util.List;
import java.util.function.Consumer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.SnapshotEnsemble;
import org.swa4j.experiments.geometry.TrainableParameters;

/**
 * The paper's Section 3.5 measurement: how far averaging the weights of snapshots w_i is from
 * averaging their predictions. With w_i = w_SWA + Δ_i and Σ Δ_i = 0, a first-order expansion of f
 * at w_SWA gives (1/n) Σ f(w_i) − f(w_SWA) = O(Δ²) with Δ = max ‖Δ_i‖, while two snapshots' predictions
 * differ at first order. {@link #measure} computes both from the networks themselves: the ensemble
 * through {@link SnapshotEnsemble} (the mean softmax of the snapshots, each with its own BatchNorm
 * statistics, as FGE predicts), the average through {@link AveragedModel} with its BatchNorm statistics
 * recomputed, as SWA predicts.
 *
 * <p>Rejects fewer than two snapshots and snapshots of different parameter layouts.
 */
public final class EnsembleGap {

    private EnsembleGap() {
    }

    /**
     * Measures {@code snapshots} on {@code test}; {@code recalibrate} recomputes the BatchNorm statistics of
     * the averaged network (a no-op for a network without BatchNorm).
     */
    public static GapPoint measure(String label, double lr1, List<ComputationGraph> snapshots, Consumer<ComputationGraph> recalibrate,
            DataSetIterator test) {
        if (snapshots.size() < 2) {
            throw new IllegalArgumentException("the ensemble gap needs at least 2 snapshots, got " + snapshots.size());
        }
        AveragedModel<ComputationGraph> average = AveragedModel.swa(snapshots.get(0));
        SnapshotEnsemble ensemble = SnapshotEnsemble.inMemory(snapshots.get(0));
        for (ComputationGraph s : snapshots) {
            average.update(s);
            ensemble.add(s);
        }
        ComputationGraph swa = average.model();
        recalibrate.accept(swa);

        TrainableParameters layout = TrainableParameters.of(swa);
        INDArray center = layout.read(swa);
        double delta = 0;
        for (ComputationGraph s : snapshots) {
            delta = Math.max(delta, layout.read(s).sub(center).norm2Number().doubleValue());
        }

        double gap = 0;
        double spread = 0;
        long disagree = 0;
        long ensembleRight = 0;
        long swaRight = 0;
        long n = 0;
        test.reset();
        while (test.hasNext()) {
            DataSet batch = test.next();
            INDArray x = batch.getFeatures();
            INDArray labels = batch.getLabels().argMax(1);
            INDArray pEnsemble = ensemble.predict(x);
            INDArray pSwa = swa.outputSingle(false, x);
            gap += totalVariation(pEnsemble, pSwa);
            for (ComputationGraph s : snapshots) {
                spread += totalVariation(s.outputSingle(false, x), pEnsemble) / snapshots.size();
            }
            INDArray classEnsemble = pEnsemble.argMax(1);
            INDArray classSwa = pSwa.argMax(1);
            disagree += count(classEnsemble.neq(classSwa));
            ensembleRight += count(classEnsemble.eq(labels));
            swaRight += count(classSwa.eq(labels));
            n += batch.numExamples();
        }
        if (n == 0) {
            throw new IllegalArgumentException("the test data is empty");
        }
        return new GapPoint(label, snapshots.size(), lr1, delta, gap / n, spread / n, 100.0 * disagree / n,
                100.0 * ensembleRight / n, 100.0 * swaRight / n);
    }

    /** Σ over rows of ½ Σ_c |p_c − q_c|. */
    static double totalVariation(INDArray p, INDArray q) {
        return 0.5 * Transforms.abs(p.sub(q), false).sumNumber().doubleValue();
    }

    private static long count(INDArray booleans) {
        return booleans.castTo(org.nd4j.linalg.api.buffer.DataType.INT64).sumNumber().longValue();
    }

    /**
     * The least-squares slope of log y on log x over the points with x, y > 0: the order k of y ∝ x^k
     * (2 for the gap, 1 for the spread, by the paper's argument); NaN with fewer than two such points.
     */
    public static double logLogSlope(double[] x, double[] y) {
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int m = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] > 0 && y[i] > 0) {
                double lx = Math.log(x[i]);
                double ly = Math.log(y[i]);
                sx += lx;
                sy += ly;
                sxx += lx * lx;
                sxy += lx * ly;
                m++;
            }
        }
        double den = m * sxx - sx * sx;
        return m < 2 || den == 0 ? Double.NaN : (m * sxy - sx * sy) / den;
    }
}
