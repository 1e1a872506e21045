package org.swa4j.models.layers.fast;

import java.lang.reflect.Field;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import sun.misc.Unsafe;

/**
 * Element access to the native memory of ND4J float arrays without copies or bounds checks, for the
 * inner loops of {@link BatchNormKernels}. Reading through {@code FloatBuffer} views cost 2.7x a
 * plain array loop, and bulk copies into Java arrays took a tenth of a training step (docs/fast-layers.md).
 *
 * <p>Callers must stay inside the array: {@link #address} is checked to be a contiguous float array,
 * every index the kernels use is below its length.
 */
final class OffHeap {

    private static final Unsafe UNSAFE = unsafe();

    private OffHeap() {
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("sun.misc.Unsafe is not accessible", e);
        }
    }

    /**
     * Native address of element 0 of {@code a}, a contiguous float array. A view's data buffer carries
     * the view's offset, and {@code addressPointer()} already points at its first element.
     */
    static long address(INDArray a) {
        if (a.rank() != 4) {
            throw new IllegalArgumentException("expected a contiguous rank-4 float array in host memory, got " + a.dataType() + " "
                    + a.shapeInfoToString());
        }
        return floatAddress(a);
    }

    /** Whether {@code a} is a dense float array (any rank) in host memory, so {@link #floatAddress} applies. */
    static boolean isHostFloat(INDArray a) {
        return NativeArrays.cpuBackend() && a.dataType() == DataType.FLOAT && NativeArrays.isDenseC(a);
    }

    /** As {@link #address}, for a dense float array of any rank (a [C] vector, a [1, C] view). */
    static long floatAddress(INDArray a) {
        if (!isHostFloat(a)) {
            throw new IllegalArgumentException("expected a dense float array in host memory, got " + a.dataType() + " "
                    + a.shapeInfoToString());
        }
        return a.data().addressPointer().address();
    }

    /** Copies {@code count} floats between native addresses (the ranges must not overlap). */
    static void copyFloats(long from, long to, long count) {
        UNSAFE.copyMemory(from, to, count * Float.BYTES);
    }

    static float getFloat(long address, long index) {
        return UNSAFE.getFloat(address + index * Float.BYTES);
    }

    static void putFloat(long address, long index, float value) {
        UNSAFE.putFloat(address + index * Float.BYTES, value);
    }

    /** Copies elements [index, index + length) of the native float array at {@code address} into {@code dst[0, length)}. */
    static void copyToArray(long address, long index, float[] dst, int length) {
        UNSAFE.copyMemory(null, address + index * Float.BYTES, dst, Unsafe.ARRAY_FLOAT_BASE_OFFSET, (long) length * Float.BYTES);
    }

    /** Copies {@code src[0, length)} into elements [index, index + length) of the native float array at {@code address}. */
    static void copyFromArray(float[] src, long address, long index, int length) {
        UNSAFE.copyMemory(src, Unsafe.ARRAY_FLOAT_BASE_OFFSET, null, address + index * Float.BYTES, (long) length * Float.BYTES);
    }
}
