package org.swa4j.data;

/** A download that failed: no connection, an HTTP error status, or a transfer cut off part way. */
public class DownloadException extends DataException {
    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
