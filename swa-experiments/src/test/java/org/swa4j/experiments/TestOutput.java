package org.swa4j.experiments;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.function.IntSupplier;

/** Runs a command of the tool in this JVM and captures what it prints (stdout and stderr together). */
public final class TestOutput {

    /** The exit code and the printed text of one command. */
    public record Result(int exitCode, String text) {
    }

    private TestOutput() {
    }

    /** Runs {@code Main.execute(args)}, capturing its output. */
    public static Result execute(String... args) {
        int[] rc = new int[1];
        String text = capture(() -> rc[0] = Main.execute(args));
        return new Result(rc[0], text);
    }

    /** What {@code r} prints while it runs. */
    public static String capture(Runnable r) {
        PrintStream old = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(out, true)) {
            System.setOut(p);
            System.setErr(p);
            r.run();
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        return out.toString();
    }

    /** Same as {@link #capture(Runnable)} for an exit code. */
    public static String capture(IntSupplier r) {
        return capture(() -> {
            r.getAsInt();
        });
    }
}
