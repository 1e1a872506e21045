package org.swa4j.experiments.runner;

/**
 * A run ended before its work was done, by a stop request or a failed write, with everything already
 * written intact. The message says what is kept and how to continue; the command-line tool prints it
 * and exits with {@link #exitCode()}.
 */
public final class RunInterruptedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public RunInterruptedException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** 143 (SIGTERM), 130 (SIGINT) or 1 (a failed write). */
    public int exitCode() {
        return exitCode;
    }
}
