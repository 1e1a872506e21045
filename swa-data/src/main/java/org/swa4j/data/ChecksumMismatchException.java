package org.swa4j.data;

/** A file whose digest (MD5 or SHA-256) differs from the published or recorded one. */
public final class ChecksumMismatchException extends DownloadException {
    public ChecksumMismatchException(String source, String algorithm, String expected, String actual) {
        super(source + ": " + algorithm + " is " + actual + " but " + expected + " was expected");
    }
}
