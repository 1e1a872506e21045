package org.swa4j.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.pointers.PagedPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The flat-vector kernels {@link Swag} is built from, on contiguous float or double vectors, none of
 * which allocates an array: BLAS level 1 ({@code asum}, {@code axpy}, {@code scal}) and {@code gemm}
 * (OpenBLAS on the CPU backend) where the vectors allow it, libnd4j's element-wise ops otherwise, and
 * byte views of native memory for I/O and for writing noise.
 *
 * <p>Measured on a 10M float vector here, each op repeated alone (so partly from cache): {@code asum}
 * 0.3 ms, {@code axpy} 0.6-0.9 ms, the element-wise product 1.0-1.2 ms, {@code z = a x + y} 1.4-1.9 ms,
 * a copy 1.7-2.4 ms; {@code gemm} with one row ({@code y += a x}) took 8.7 ms, so a single row goes to
 * {@code axpy}; libnd4j's own {@code gemv} (matmul op) took 3x longer than OpenBLAS's {@code gemm}
 * with 21 rows (42 against 13 ms).
 */
final class NativeVectors {

    private NativeVectors() {
    }

    /** True for the types SWAG keeps its moments in. */
    static boolean supported(DataType type) {
        return type == DataType.FLOAT || type == DataType.DOUBLE;
    }

    /** BLAS on whole buffers only (offset 0, unit stride), as {@link AveragedModel}; views go to libnd4j's ops. */
    private static boolean blas(INDArray a) {
        return a.offset() == 0 && a.elementWiseStride() == 1 && a.length() <= Integer.MAX_VALUE;
    }

    /** sum |x_i|; not finite iff some x_i is NaN or infinite (or the sum overflows). */
    static double absSum(INDArray x) {
        return blas(x) ? Nd4j.getBlasWrapper().level1().asum(x) : x.norm1Number().doubleValue();
    }

    /** y += alpha x. */
    static void axpy(double alpha, INDArray x, INDArray y) {
        if (blas(x) && blas(y)) {
            Nd4j.getBlasWrapper().level1().axpy(x.length(), alpha, x, y);
        } else {
            Nd4j.exec(new Axpy(x, y, y, alpha));
        }
    }

    /** x *= alpha. */
    static void scal(double alpha, INDArray x) {
        if (blas(x)) {
            Nd4j.getBlasWrapper().level1().scal(x.length(), alpha, x);
        } else {
            x.muli(alpha);
        }
    }

    /**
     * y += alpha x in libnd4j rather than BLAS: after libnd4j ops, a BLAS call waits on OpenBLAS's own
     * threads while libnd4j's OpenMP threads still hold the cores (a collection of 10M floats measured
     * 8.7 ms on average with its last update in libnd4j, against 13.0 ms with it in BLAS; 2 cores).
     */
    static void axpyAfterNativeOps(double alpha, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, alpha));
    }

    /** z = alpha x + y, in one pass (z may be neither x nor y). */
    static void axpyInto(double alpha, INDArray x, INDArray y, INDArray z) {
        Nd4j.exec(new Axpy(x, y, z, alpha));
    }

    /** z = x * y element by element (z may be x or y). */
    static void multiply(INDArray x, INDArray y, INDArray z) {
        Nd4j.exec(new MulOp(x, y, z));
    }

    /**
     * y += sum_j c_j rows_j for a {@code [1, m]} row of coefficients and {@code m} rows of length
     * {@code y.length()}: one pass over the rows (gemm), or {@code axpy} for a single row.
     */
    static void addCombination(INDArray coefficients, INDArray rows, INDArray y) {
        if (rows.size(0) == 1) {
            axpy(coefficients.getDouble(0), rows.reshape(rows.length()), y.reshape(y.length()));
        } else {
            Nd4j.gemm(coefficients, rows, y.reshape(1, y.length()), false, false, 1.0, 1.0);
        }
    }

    /**
     * A native-order byte view of elements {@code [from, from + count)} of the contiguous vector or
     * matrix {@code a} (counted from {@code a}'s first element), for bulk reads and writes of native
     * memory; {@code count} elements must fit in 2 GiB.
     */
    static ByteBuffer bytes(INDArray a, long from, int count) {
        if (a.elementWiseStride() != 1 || from < 0 || from + count > a.length()) {
            throw new IllegalStateException("elements [" + from + ", " + (from + count) + ") of a "
                    + (a.elementWiseStride() == 1 ? "" : "non-contiguous ") + "array of " + a.length());
        }
        long size = a.dataType().width();
        // a view's data() is a buffer view whose address is that of the view's first element
        BytePointer p = new BytePointer(new PagedPointer(a.data().addressPointer().address() + from * size));
        p.capacity(count * size);
        p.limit(count * size);
        return p.asBuffer().order(ByteOrder.nativeOrder());
    }
}
