package org.swa4j.data;

/**
 * The base of every failure swa-data reports about data: a malformed file, a missing data set, a failed
 * download. Unchecked, because {@link org.nd4j.linalg.dataset.api.iterator.DataSetIterator} cannot throw
 * checked exceptions. Readers never let any other exception type escape for bad input.
 */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
