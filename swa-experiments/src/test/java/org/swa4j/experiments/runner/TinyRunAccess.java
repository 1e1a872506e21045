package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** For tests of other packages: a private copy of the shared finished tiny run ({@link TinyRun}). */
public final class TinyRunAccess {

    private TinyRunAccess() {
    }

    public static Path copyOfFinishedTinyRun() throws IOException {
        return copy(TinyRun.dir(), Files.createTempDirectory("swa4j-tiny-copy-"));
    }

    /** Copies results directory {@code source} into {@code target}, all but its lock file. */
    public static Path copy(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path t = target.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else if (!f.getFileName().toString().equals(".lock")) {
                    Files.copy(f, t);
                }
            }
        }
        return target;
    }
}
