package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.swa4j.experiments.Main;

/** Second JVMs for the fault tests: the tool itself ({@link Main#main}, signal handlers included) on the test classpath. */
final class TestProcesses {

    private TestProcesses() {
    }

    /** The java command running {@code mainClass} with {@code args} on this JVM's classpath. */
    static List<String> java(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-XX:-UsePerfData", "-Djavacpp.platform.extension=-onednn-avx2", "-cp",
                System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts {@code cmd} with stdout and stderr together in {@code output}. */
    static Process start(List<String> cmd, Path output) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Waits (up to 10 minutes) until {@code condition} holds, failing if {@code p} ends first. */
    static void awaitWhileAlive(Process p, Path output, BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(p.isAlive(), "the process ended before " + what + ": " + Files.readString(output));
            assertTrue(System.nanoTime() < deadline, "no " + what + " within 10 minutes");
            Thread.sleep(10);
        }
    }

    /** The text of a file, or "" while it does not exist. */
    static String text(Path f) {
        try {
            return Files.isRegularFile(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
