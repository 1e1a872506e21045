package org.swa4j.data;

/**
 * A data file (or embedded resource) whose bytes do not match its format: wrong magic number, a dimension
 * that disagrees with the size, a truncated record, a label out of range. The message always names the file
 * and the byte offset or record where the problem was found; {@link #source()} and {@link #offset()} carry
 * them for programs.
 */
public final class CorruptDataException extends DataException {
    private final String source;
    private final long offset;

    /**
     * @param source the file or resource, as it should be shown to the user
     * @param offset the byte offset where the problem was found, or -1 when it concerns the file as a whole
     * @param problem what is wrong, naming the record where that applies
     */
    public CorruptDataException(String source, long offset, String problem) {
        super(format(source, offset, problem));
        this.source = source;
        this.offset = offset;
    }

    public CorruptDataException(String source, long offset, String problem, Throwable cause) {
        super(format(source, offset, problem), cause);
        this.source = source;
        this.offset = offset;
    }

    private static String format(String source, long offset, String problem) {
        return offset >= 0 ? source + " at byte offset " + offset + ": " + problem : source + ": " + problem;
    }

    /** The file or resource that is corrupt. */
    public String source() {
        return source;
    }

    /** The byte offset of the problem, or -1 when it concerns the whole file. */
    public long offset() {
        return offset;
    }
}
