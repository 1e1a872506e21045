/** Stochastic weight averaging, weight EMA, FGE ensembles and BatchNorm recalibration for DL4J. */
package org.swa4j.core;
