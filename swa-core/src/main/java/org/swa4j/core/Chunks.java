package org.swa4j.core;

import java.util.stream.IntStream;

/**
 * A parallel pass over a vector in chunks of {@value NormalNoise#CHUNK} elements. The chunks are
 * shared out to at most four tasks per core, each task running its chunks in order with its own
 * buffers of one chunk, so that a pass allocates a few buffers rather than one per chunk. Which
 * thread runs a chunk does not change what is computed.
 */
final class Chunks {

    private static final int TASKS_PER_CORE = 4;

    /** The work on elements {@code [from, from + count)}, with the running task's buffers. */
    @FunctionalInterface
    interface Body {
        void run(long from, int count, Buffers buffers);
    }

    /** Chunk-sized arrays, made on first use and reused for the task's next chunks. */
    static final class Buffers {
        private final float[][] floats = new float[3][];
        private final double[][] doubles = new double[3][];

        float[] floats(int k) {
            if (floats[k] == null) {
                floats[k] = new float[NormalNoise.CHUNK];
            }
            return floats[k];
        }

        double[] doubles(int k) {
            if (doubles[k] == null) {
                doubles[k] = new double[NormalNoise.CHUNK];
            }
            return doubles[k];
        }
    }

    private Chunks() {
    }

    /** Number of chunks of a vector of {@code length} elements. */
    static int count(long length) {
        long chunks = (length + NormalNoise.CHUNK - 1) / NormalNoise.CHUNK;
        if (chunks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("vector of " + length + " elements has more than 2^31 chunks");
        }
        return (int) chunks;
    }

    /** Runs {@code body} on every chunk of a vector of {@code length} elements. */
    static void forEach(long length, Body body) {
        int chunks = count(length);
        int tasks = Math.min(chunks, TASKS_PER_CORE * Runtime.getRuntime().availableProcessors());
        IntStream.range(0, tasks).parallel().forEach(t -> {
            Buffers buffers = new Buffers();
            int last = (int) ((long) chunks * (t + 1) / tasks);
            for (int c = (int) ((long) chunks * t / tasks); c < last; c++) {
                long from = (long) c * NormalNoise.CHUNK;
                body.run(from, (int) Math.min(NormalNoise.CHUNK, length - from), buffers);
            }
        });
    }
}
