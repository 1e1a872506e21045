package org.swa4j.models.layers.fast;

import java.util.stream.IntStream;

/**
 * The float BatchNorm (+ReLU) kernels of {@link BatchNormKernels} for channels-last (NHWC) arrays:
 * M = N*H*W rows of C values, the channel innermost.
 *
 * <p>Each pass copies an L1-sized chunk of whole rows (about 2048 floats) from native memory into a
 * Java array and runs one loop over the chunk against per-channel coefficients repeated to the chunk's
 * length, which C2 vectorises (it does not vectorise loops over {@code Unsafe} accesses). Per-channel
 * sums are accumulated per chunk position in float, over at most {@link #CHUNKS_PER_TASK} chunks, then
 * folded into double per channel. The rows are split into tasks of a fixed size, and the tasks'
 * sums are added in task order, so the result does not depend on the number of threads.
 *
 * <p>Formulas as in {@link BatchNormKernels}; moments are accumulated around the first row.
 */
final class ChannelsLastKernels {

    /** Target chunk length in floats (8 KiB). */
    private static final int CHUNK = 2048;
    private static final int CHUNKS_PER_TASK = 8;
    private static final int BUFFERS = 5;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[BUFFERS][0]);

    private ChannelsLastKernels() {
    }

    /** Rows and channels of an NHWC array, and how its rows are cut into chunks and tasks. */
    private record Geometry(int rows, int c, int chunkRows, int taskRows, int tasks) {
        static Geometry of(long n, long h, long w, long c) {
            long rows = n * h * w;
            if (rows * c > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("channels-last BatchNorm: " + rows + " x " + c
                        + " elements exceed the kernels' int indexing");
            }
            int chunkRows = (int) Math.max(1, CHUNK / c);
            int taskRows = chunkRows * CHUNKS_PER_TASK;
            return new Geometry((int) rows, (int) c, chunkRows, taskRows, (int) ((rows + taskRows - 1) / taskRows));
        }

        int chunkLength() {
            return chunkRows * c;
        }
    }

    /** This thread's scratch arrays, each at least {@code length} long (contents undefined). */
    private static float[][] scratch(int length) {
        float[][] s = SCRATCH.get();
        if (s[0].length < length) {
            for (int i = 0; i < BUFFERS; i++) {
                s[i] = new float[length];
            }
        }
        return s;
    }

    /** {@code values} ([C]) repeated to {@code length} (a multiple of C). */
    private static float[] repeat(double[] values, int length) {
        float[] r = new float[length];
        for (int j = 0; j < length; j++) {
            r[j] = (float) values[j % values.length];
        }
        return r;
    }

    /** Runs {@code task} for every task index in parallel; returns its per-task partial sums ([tasks][2C]). */
    private static double[][] perTask(Geometry g, java.util.function.IntFunction<double[]> task) {
        double[][] partial = new double[g.tasks()][];
        IntStream.range(0, g.tasks()).parallel().forEach(t -> partial[t] = task.apply(t));
        return partial;
    }

    /** Adds chunk-position sums {@code a} and {@code b} (chunk length) into channel sums {@code out[0,C)} and {@code out[C,2C)}. */
    private static void fold(float[] a, float[] b, int length, int c, double[] out) {
        for (int j = 0; j < length; j++) {
            out[j % c] += a[j];
            out[c + j % c] += b[j];
        }
    }

    /** Sums of the tasks' partial sums in task order: [2C]. */
    private static double[] total(double[][] partial, int c) {
        double[] sum = new double[2 * c];
        for (double[] p : partial) {
            for (int i = 0; i < 2 * c; i++) {
                sum[i] += p[i];
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------------------------------------

    /** Per-channel mean and biased variance ({@code [2][C]}) of the NHWC float array at {@code xa}. */
    static double[][] moments(long xa, long n, long h, long w, long c) {
        Geometry g = Geometry.of(n, h, w, c);
        int length = g.chunkLength();
        double[] shiftValues = new double[g.c()];
        for (int ch = 0; ch < g.c(); ch++) {
            shiftValues[ch] = OffHeap.getFloat(xa, ch);
        }
        float[] shift = repeat(shiftValues, length);
        double[] sums = total(perTask(g, t -> {
            float[][] s = scratch(length);
            float[] buf = s[0];
            float[] sum = s[1];
            float[] sq = s[2];
            java.util.Arrays.fill(sum, 0, length, 0f);
            java.util.Arrays.fill(sq, 0, length, 0f);
            forEachChunk(g, t, (start, m) -> {
                OffHeap.copyToArray(xa, start, buf, m);
                for (int j = 0; j < m; j++) {
                    float d = buf[j] - shift[j];
                    sum[j] += d;
                    sq[j] += d * d;
                }
            });
            double[] out = new double[2 * g.c()];
            fold(sum, sq, length, g.c(), out);
            return out;
        }), g.c());
        double count = g.rows();
        double[][] mv = new double[2][g.c()];
        for (int ch = 0; ch < g.c(); ch++) {
            double ds = sums[ch] / count;
            mv[0][ch] = shiftValues[ch] + ds;
            mv[1][ch] = Math.max(sums[g.c() + ch] / count - ds * ds, 0);
        }
        return mv;
    }

    /** {@code out = max(scale * x + offset, floor)} per channel, over the NHWC float arrays at {@code xa} and {@code oa}. */
    static void affine(long xa, long oa, long n, long h, long w, long c, double[] scale, double[] offset, float floor) {
        Geometry g = Geometry.of(n, h, w, c);
        int length = g.chunkLength();
        float[] a = repeat(scale, length);
        float[] b = repeat(offset, length);
        IntStream.range(0, g.tasks()).parallel().forEach(t -> {
            float[] buf = scratch(length)[0];
            forEachChunk(g, t, (start, m) -> {
                OffHeap.copyToArray(xa, start, buf, m);
                for (int j = 0; j < m; j++) {
                    buf[j] = Math.max(a[j] * buf[j] + b[j], floor);
                }
                OffHeap.copyFromArray(buf, oa, start, m);
            });
        });
    }

    /**
     * {@code sum(g)} and {@code sum(g * (x - mean))} per channel ([2C]), where g is the incoming gradient
     * at {@code ga}, masked by {@code y > 0} for the ReLU output at {@code ya} unless {@code ya} is 0.
     */
    static double[] gradientSums(long xa, long ga, long ya, long n, long h, long w, long c, double[] mean) {
        Geometry g = Geometry.of(n, h, w, c);
        int length = g.chunkLength();
        float[] mu = repeat(mean, length);
        return total(perTask(g, t -> {
            float[][] s = scratch(length);
            float[] xs = s[0];
            float[] gs = s[1];
            float[] ys = s[2];
            float[] sum = s[3];
            float[] prod = s[4];
            java.util.Arrays.fill(sum, 0, length, 0f);
            java.util.Arrays.fill(prod, 0, length, 0f);
            forEachChunk(g, t, (start, m) -> {
                loadInputAndGradient(xa, ga, ya, start, m, xs, gs, ys);
                for (int j = 0; j < m; j++) {
                    sum[j] += gs[j];
                    prod[j] += gs[j] * (xs[j] - mu[j]);
                }
            });
            double[] out = new double[2 * g.c()];
            fold(sum, prod, length, g.c(), out);
            return out;
        }), g.c());
    }

    /** {@code dx = scaleG * g + scaleX * x + offset} per channel, g masked as in {@link #gradientSums}. */
    static void inputGradient(long xa, long ga, long ya, long dxa, long n, long h, long w, long c, double[] scaleG,
            double[] scaleX, double[] offset) {
        Geometry g = Geometry.of(n, h, w, c);
        int length = g.chunkLength();
        float[] sg = repeat(scaleG, length);
        float[] sx = repeat(scaleX, length);
        float[] off = repeat(offset, length);
        IntStream.range(0, g.tasks()).parallel().forEach(t -> {
            float[][] s = scratch(length);
            float[] xs = s[0];
            float[] gs = s[1];
            float[] ys = s[2];
            forEachChunk(g, t, (start, m) -> {
                loadInputAndGradient(xa, ga, ya, start, m, xs, gs, ys);
                for (int j = 0; j < m; j++) {
                    xs[j] = sg[j] * gs[j] + sx[j] * xs[j] + off[j];
                }
                OffHeap.copyFromArray(xs, dxa, start, m);
            });
        });
    }

    /**
     * Copies a chunk of x into {@code xs} and of the incoming gradient into {@code gs}, masked by the
     * ReLU output at {@code ya} (through {@code ys}) unless {@code ya} is 0.
     */
    private static void loadInputAndGradient(long xa, long ga, long ya, long start, int m, float[] xs, float[] gs,
            float[] ys) {
        OffHeap.copyToArray(xa, start, xs, m);
        OffHeap.copyToArray(ga, start, gs, m);
        if (ya != 0) {
            OffHeap.copyToArray(ya, start, ys, m);
            mask(gs, ys, m);
        }
    }

    /**
     * {@code g[j] = y[j] > 0 ? g[j] : 0} for a ReLU output y (never negative), as a multiplication
     * C2 vectorises: for every positive float y, {@code y * 2^126 * 2^126} is at least 2^103, so
     * {@code min(that, 1)} is exactly 1; for y = 0 it is 0.
     */
    private static void mask(float[] g, float[] y, int m) {
        for (int j = 0; j < m; j++) {
            g[j] *= Math.min(y[j] * 0x1p126f * 0x1p126f, 1f);
        }
    }

    @FunctionalInterface
    private interface ChunkBody {
        void run(long start, int length);
    }

    /** Calls {@code body} with the element offset and length of each chunk of task {@code t}'s rows. */
    private static void forEachChunk(Geometry g, int t, ChunkBody body) {
        int first = t * g.taskRows();
        int end = Math.min(g.rows(), first + g.taskRows());
        for (int row = first; row < end; row += g.chunkRows()) {
            int rows = Math.min(g.chunkRows(), end - row);
            body.run((long) row * g.c(), rows * g.c());
        }
    }
}
