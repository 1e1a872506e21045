package org.swa4j.models.layers.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class NativeArraysTest {

    @Test
    void denseArraysAreRecognisedWhateverTheStrideOfTheirUnitDimensions() {
        assertTrue(NativeArrays.isDenseC(Nd4j.create(DataType.FLOAT, 2, 3, 4, 5)));
        INDArray image = Nd4j.create(DataType.FLOAT, 8, 784).reshape(8, 1, 28, 28);
        assertEquals(784, image.stride(1), "test setup: the unit dimension carries stride 784");
        assertTrue(NativeArrays.isDenseC(image));
        assertTrue(NativeArrays.isDenseC(Nd4j.create(DataType.FLOAT, 1, 16, 1, 1)));
        // a block of whole leading rows of a larger array is dense, at an offset
        INDArray rows = Nd4j.create(DataType.FLOAT, 6, 3, 4, 4).get(NDArrayIndex.interval(2, 5));
        assertTrue(NativeArrays.isDenseC(rows));
        assertSame(rows, NativeArrays.contiguous(rows));
    }

    @Test
    void stridedArraysAreCopiedInCOrder() {
        INDArray x = Nd4j.linspace(1, 120, 120, DataType.FLOAT).reshape(2, 3, 4, 5);
        INDArray[] notDense = {
            x.permute(0, 2, 3, 1),
            x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2), NDArrayIndex.all(), NDArrayIndex.all()),
            x.dup('f'),
        };
        for (INDArray a : notDense) {
            assertFalse(NativeArrays.isDenseC(a), a.shapeInfoToString());
            INDArray c = NativeArrays.contiguous(a);
            assertNotSame(a, c);
            assertTrue(NativeArrays.isDenseC(c));
            assertEquals(a, c, "the copy holds the same values");
        }
    }
}
