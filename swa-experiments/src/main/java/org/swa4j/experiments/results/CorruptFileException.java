package org.swa4j.experiments.results;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint or model file does not match the SHA-256 recorded when it was written. */
public final class CorruptFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public CorruptFileException(Path file, String problem) {
        super(problem);
        this.file = file;
    }

    /** The corrupt file. */
    public Path file() {
        return file;
    }
}
