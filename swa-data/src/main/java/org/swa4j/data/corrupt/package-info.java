/**
 * Common corruptions of test images for calibration under distribution shift (Hendrycks and Dietterich,
 * ICLR 2019; Ovadia et al., NeurIPS 2019): Gaussian noise, Gaussian blur, rotation and contrast reduction at
 * five severities ({@link org.swa4j.data.corrupt.Corruption}), applied deterministically to 8-bit test sets
 * ({@link org.swa4j.data.corrupt.CorruptedImages}) and written as IDX files with their SHA-256
 * ({@link org.swa4j.data.corrupt.CorruptedTestSets}).
 */
package org.swa4j.data.corrupt;
