package org.swa4j.experiments.results;

import java.io.IOException;
import java.nio.file.Path;

/** A file of a results directory could not be written (a full disk, a size limit, permissions); the file is unchanged. */
public final class WriteFailedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path target;

    public WriteFailedException(Path target, Throwable cause) {
        super("could not write " + target + ": " + describe(cause) + " (" + target.getFileName()
                + (java.nio.file.Files.exists(target) ? " keeps its previous content" : " was not created") + ")", cause);
        this.target = target;
    }

    /** The file that could not be written. */
    public Path target() {
        return target;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
