package org.swa4j.experiments.ensemble;

/**
 * One measurement of the paper's Section 3.5 claim for a set of snapshots w_1..w_n and their average
 * w_SWA. Probabilities are compared per test image by total variation, TV(p, q) = ½ Σ_c |p_c − q_c|,
 * and averaged over the test set.
 *
 * @param label          where the snapshots come from ("run" for the run's own FGE snapshots, or the branch's lr1)
 * @param snapshots      n
 * @param lr1            the branch's highest learning rate (NaN for the run's own snapshots)
 * @param delta          Δ = max_i ‖w_i − w_SWA‖ (trainable weights, L2)
 * @param gap            mean TV between the ensemble's prediction (1/n) Σ f(w_i) and f(w_SWA): O(Δ²) by the paper's argument
 * @param spread         mean over snapshots of the mean TV between f(w_i) and the ensemble: first order in Δ
 * @param disagreement   percent of test images on which the ensemble and w_SWA predict different classes
 * @param ensembleAccuracy test accuracy of the ensemble, percent
 * @param swaAccuracy    test accuracy of w_SWA (BatchNorm recomputed), percent
 */
public record GapPoint(String label, int snapshots, double lr1, double delta, double gap, double spread, double disagreement,
        double ensembleAccuracy, double swaAccuracy) {
}
