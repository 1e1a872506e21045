package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.swa4j.experiments.Main;

/**
 * One uninterrupted run of the {@code tiny} test preset (192 training / 100 test images, cnn4, B = 2,
 * one seed, all four methods), shared by the end-to-end, golden-value and resume tests of this
 * JVM so that it is trained once.
 */
final class TinyRun {

    static final Path PRESET = Path.of("src/test/resources/presets/tiny.json").toAbsolutePath();
    private static Path dir;

    private TinyRun() {
    }

    static synchronized Path dir() throws IOException {
        if (dir == null) {
            Path d = Files.createTempDirectory("swa4j-tiny-");
            int rc = Main.execute("run", "--preset", PRESET.toString(), "--out", d.toString(), "--threads", "2");
            if (rc != 0) {
                throw new IllegalStateException("tiny run exited with " + rc);
            }
            dir = d;
        }
        return dir;
    }
}
