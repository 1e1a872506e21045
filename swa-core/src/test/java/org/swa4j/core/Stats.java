package org.swa4j.core;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Per-channel moments computed element by element in double, independently of ND4J reductions. */
final class Stats {
    private Stats() {
    }

    /** {mean, biased variance} per channel (dimension 1) of a rank-2 [N, C] or rank-4 [N, C, H, W] array. */
    static double[][] moments(INDArray a) {
        int c = (int) a.size(1);
        double[] sum = new double[c];
        long count = 0;
        if (a.rank() == 2) {
            for (int n = 0; n < a.size(0); n++) {
                for (int j = 0; j < c; j++) {
                    double v = a.getDouble(n, j);
                    sum[j] += v;
                }
            }
            count = a.size(0);
        } else {
            for (int n = 0; n < a.size(0); n++) {
                for (int j = 0; j < c; j++) {
                    for (int h = 0; h < a.size(2); h++) {
                        for (int w = 0; w < a.size(3); w++) {
                            double v = a.getDouble(n, j, h, w);
                            sum[j] += v;
                                }
                    }
                }
            }
            count = a.size(0) * a.size(2) * a.size(3);
        }
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int j = 0; j < c; j++) {
            mean[j] = sum[j] / count;
        }
        // second pass for an exact centred variance
        double[] m2 = new double[c];
        if (a.rank() == 2) {
            for (int n = 0; n < a.size(0); n++) {
                for (int j = 0; j < c; j++) {
                    double d = a.getDouble(n, j) - mean[j];
                    m2[j] += d * d;
                }
            }
        } else {
            for (int n = 0; n < a.size(0); n++) {
                for (int j = 0; j < c; j++) {
                    for (int h = 0; h < a.size(2); h++) {
                        for (int w = 0; w < a.size(3); w++) {
                            double d = a.getDouble(n, j, h, w) - mean[j];
                            m2[j] += d * d;
                        }
                    }
                }
            }
        }
        for (int j = 0; j < c; j++) {
            var[j] = m2[j] / count;
        }
        return new double[][] {mean, var};
    }

    /** Batch-size-weighted average of per-batch {mean, var}. */
    static double[][] weightedAverage(List<double[][]> perBatch, List<Long> sizes) {
        int c = perBatch.get(0)[0].length;
        double[] mean = new double[c];
        double[] var = new double[c];
        long total = 0;
        for (int b = 0; b < perBatch.size(); b++) {
            long n = sizes.get(b);
            for (int j = 0; j < c; j++) {
                mean[j] += n * perBatch.get(b)[0][j];
                var[j] += n * perBatch.get(b)[1][j];
            }
            total += n;
        }
        for (int j = 0; j < c; j++) {
            mean[j] /= total;
            var[j] /= total;
        }
        return new double[][] {mean, var};
    }
}
