package org.swa4j.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The K deviation rows of a low-rank {@link Swag}, in native memory or in a file. Collection
 * {@code i} (0-based) goes to slot {@code i mod K}, so the slots held are {@code 0..m-1} with
 * {@code m = min(n, K)} and the oldest is overwritten first.
 */
abstract sealed class DeviationStore {

    /** Bytes moved per read or write call; a multiple of 8. */
    private static final int IO_CHUNK_BYTES = 1 << 20;

    final int rank;
    final long length;
    final DataType type;

    private DeviationStore(int rank, long length, DataType type) {
        this.rank = rank;
        this.length = length;
        this.type = type;
    }

    static DeviationStore inMemory(int rank, long length, DataType type) {
        return new InMemory(rank, length, type);
    }

    static DeviationStore onDisk(int rank, long length, DataType type, Path file, int blockLength) {
        return new OnDisk(rank, length, type, file, blockLength);
    }

    /** Where the deviation of slot {@code slot} is to be computed: its row, or {@code scratch}. */
    abstract INDArray destination(int slot, INDArray scratch);

    /** Stores the deviation computed into {@link #destination}. */
    abstract void store(int slot, INDArray deviation);

    /** y += sum_{j < held} c_j D_j for coefficients {@code [1, held]}. */
    abstract void addCombination(INDArray coefficients, int held, INDArray y);

    /** A copy of slot {@code slot}'s row. */
    abstract INDArray row(int slot);

    /** Writes the raw bytes of slots {@code 0..held-1}. */
    abstract void write(DataOutput out, int held) throws IOException;

    /** Reads slots {@code 0..held-1} as written by {@link #write}. */
    abstract void read(DataInput in, int held) throws IOException;

    /** Bytes of native memory held. */
    abstract long memoryBytes();

    /** Bytes of the file holding the rows (0 in memory). */
    abstract long diskBytes();

    long rowBytes() {
        return length * type.width();
    }

    /** Writes elements {@code [from, from + count)} of the contiguous {@code a} to {@code out}. */
    static void writeRaw(DataOutput out, INDArray a, long from, long count) throws IOException {
        int width = a.dataType().width();
        byte[] chunk = new byte[(int) Math.min(IO_CHUNK_BYTES, count * width)];
        for (long done = 0; done < count;) {
            int elements = (int) Math.min(count - done, IO_CHUNK_BYTES / width);
            NativeVectors.bytes(a, from + done, elements).get(chunk, 0, elements * width);
            out.write(chunk, 0, elements * width);
            done += elements;
        }
    }

    /** Reads elements {@code [from, from + count)} of the contiguous {@code a} from {@code in}. */
    static void readRaw(DataInput in, INDArray a, long from, long count) throws IOException {
        int width = a.dataType().width();
        byte[] chunk = new byte[(int) Math.min(IO_CHUNK_BYTES, count * width)];
        for (long done = 0; done < count;) {
            int elements = (int) Math.min(count - done, IO_CHUNK_BYTES / width);
            in.readFully(chunk, 0, elements * width);
            NativeVectors.bytes(a, from + done, elements).put(chunk, 0, elements * width);
            done += elements;
        }
    }

    /** The rows as one {@code [K, N]} array, so that a sample's low-rank term is one gemm. */
    private static final class InMemory extends DeviationStore {
        private final INDArray rows;

        InMemory(int rank, long length, DataType type) {
            super(rank, length, type);
            this.rows = Nd4j.zeros(type, rank, length);
        }

        @Override
        INDArray destination(int slot, INDArray scratch) {
            return rows.getRow(slot);
        }

        @Override
        void store(int slot, INDArray deviation) {
            // computed in place
        }

        @Override
        void addCombination(INDArray coefficients, int held, INDArray y) {
            INDArray used = held == rank ? rows : rows.get(NDArrayIndex.interval(0, held), NDArrayIndex.all());
            NativeVectors.addCombination(coefficients, used, y);
        }

        @Override
        INDArray row(int slot) {
            return rows.getRow(slot).dup();
        }

        @Override
        void write(DataOutput out, int held) throws IOException {
            writeRaw(out, rows, 0, held * length);
        }

        @Override
        void read(DataInput in, int held) throws IOException {
            readRaw(in, rows, 0, held * length);
        }

        @Override
        long memoryBytes() {
            return rank * rowBytes();
        }

        @Override
        long diskBytes() {
            return 0;
        }
    }

    /**
     * The rows in one file, row {@code j} at byte {@code j N w}. A sample reads them back in column
     * blocks of {@code blockLength} elements into a {@code [K, blockLength]} buffer and adds each
     * block's combination with one gemm, so memory holds one block, not K rows.
     */
    private static final class OnDisk extends DeviationStore {
        private final Path file;
        private final int blockLength;
        private INDArray block;

        OnDisk(int rank, long length, DataType type, Path file, int blockLength) {
            super(rank, length, type);
            this.file = file;
            this.blockLength = (int) Math.min(blockLength, length);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the SWAG deviation file " + file, e);
            }
        }

        @Override
        INDArray destination(int slot, INDArray scratch) {
            return scratch;
        }

        @Override
        void store(int slot, INDArray deviation) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                long width = type.width();
                for (long done = 0; done < length;) {
                    int elements = (int) Math.min(length - done, IO_CHUNK_BYTES / width);
                    writeFully(channel, NativeVectors.bytes(deviation, done, elements), slot * rowBytes() + done * width);
                    done += elements;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write deviation " + slot + " to " + file, e);
            }
        }

        @Override
        void addCombination(INDArray coefficients, int held, INDArray y) {
            if (block == null) {
                block = Nd4j.createUninitialized(type, (long) rank * blockLength);
            }
            INDArray vector = y.reshape(y.length());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long width = type.width();
                for (long from = 0; from < length; from += blockLength) {
                    int len = (int) Math.min(blockLength, length - from);
                    INDArray rows = block.get(NDArrayIndex.interval(0, (long) held * len)).reshape(held, len);
                    for (int j = 0; j < held; j++) {
                        readFully(channel, NativeVectors.bytes(rows, (long) j * len, len), j * rowBytes() + from * width);
                    }
                    NativeVectors.addCombination(coefficients, rows, vector.get(NDArrayIndex.interval(from, from + len)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the deviations from " + file, e);
            }
        }

        @Override
        INDArray row(int slot) {
            INDArray copy = Nd4j.createUninitialized(type, length);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                for (long done = 0; done < length;) {
                    int elements = (int) Math.min(length - done, IO_CHUNK_BYTES / type.width());
                    readFully(channel, NativeVectors.bytes(copy, done, elements), slot * rowBytes() + done * type.width());
                    done += elements;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read deviation " + slot + " from " + file, e);
            }
            return copy;
        }

        @Override
        void write(DataOutput out, int held) throws IOException {
            byte[] chunk = new byte[IO_CHUNK_BYTES];
            long total = held * rowBytes();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                for (long done = 0; done < total;) {
                    int bytes = (int) Math.min(IO_CHUNK_BYTES, total - done);
                    readFully(channel, ByteBuffer.wrap(chunk, 0, bytes), done);
                    out.write(chunk, 0, bytes);
                    done += bytes;
                }
            }
        }

        @Override
        void read(DataInput in, int held) throws IOException {
            byte[] chunk = new byte[IO_CHUNK_BYTES];
            long total = held * rowBytes();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long done = 0; done < total;) {
                    int bytes = (int) Math.min(IO_CHUNK_BYTES, total - done);
                    in.readFully(chunk, 0, bytes);
                    writeFully(channel, ByteBuffer.wrap(chunk, 0, bytes), done);
                    done += bytes;
                }
            }
        }

        @Override
        long memoryBytes() {
            return block == null ? 0 : block.length() * type.width();
        }

        @Override
        long diskBytes() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + file, e);
            }
        }

        private static void writeFully(FileChannel channel, ByteBuffer bytes, long position) throws IOException {
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
        }

        private void readFully(FileChannel channel, ByteBuffer bytes, long position) throws IOException {
            while (bytes.hasRemaining()) {
                int read = channel.read(bytes, position);
                if (read < 0) {
                    throw new IOException(file + " ends at byte " + position + ", before the deviations it should hold");
                }
                position += read;
            }
        }
    }
}
