package org.swa4j.data.format;

/**
 * The content of an IDX file of unsigned bytes (type code 0x08): its dimensions and its data in row-major
 * order. {@code data.length} equals the product of {@code dims}.
 */
public record IdxArray(int[] dims, byte[] data) {
    public IdxArray {
        long product = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("IDX dimension " + d + " must be positive");
            }
            product *= d;
        }
        if (product != data.length) {
            throw new IllegalArgumentException("IDX data length " + data.length + " must equal the product of the dimensions "
                    + product);
        }
    }

    /** Size of the first dimension: the number of records. */
    public int count() {
        return dims[0];
    }
}
