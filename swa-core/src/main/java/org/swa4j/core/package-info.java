/**
 * Stochastic weight averaging, weight EMA, FGE ensembles, SWA-Gaussian and BatchNorm recalibration for DL4J.
 *
 * <ul>
 *   <li>{@link org.swa4j.core.AveragedModel}: SWA / EMA running average of a network's weights.</li>
 *   <li>{@link org.swa4j.core.BatchNormUpdate}: exact recomputation of BatchNorm running statistics.</li>
 *   <li>{@link org.swa4j.core.SnapshotEnsemble}: FGE prediction, the mean of snapshot probabilities.</li>
 *   <li>{@link org.swa4j.core.Swag}: SWA-Gaussian, a Gaussian over the weights SWA averages, and seeded draws from it;
 *       {@link org.swa4j.core.BayesianAverage}: its streamed Bayesian model average.</li>
 *   <li>{@link org.swa4j.core.AveragingListener}: drives averaging or snapshots from inside {@code fit}.</li>
 *   <li>{@link org.swa4j.core.schedule}: the SWA, cyclic, FGE and SWALR learning-rate schedules.</li>
 * </ul>
 */
package org.swa4j.core;
