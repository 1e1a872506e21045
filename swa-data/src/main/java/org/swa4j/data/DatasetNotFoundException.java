package org.swa4j.data;

/**
 * A data set whose files are not in any of the places looked in, and that may not or cannot be downloaded.
 * The message lists the files expected, the places looked in and how to get the files.
 */
public final class DatasetNotFoundException extends DataException {
    public DatasetNotFoundException(String message) {
        super(message);
    }

    public DatasetNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
