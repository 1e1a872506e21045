package org.swa4j.data.sets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.swa4j.data.DataOptions;

/**
 * Where data sets are looked for, in order: the data directory ({@link DataOptions#dataDir()}, else
 * {@code $SWA4J_DATA}, else {@code ~/.swa4j/data}), then the system directory {@code /usr/share/datasets}
 * where Debian's {@code dataset-*} packages install. A set lives in its official folder name under each.
 */
public final class DataLocations {
    /** Debian's location of packaged data sets ({@code dataset-fashion-mnist}). */
    public static final Path SYSTEM = Path.of("/usr/share/datasets");
    /** The environment variable naming the data directory. */
    public static final String ENV = "SWA4J_DATA";

    private DataLocations() {
    }

    /** The data directory: where sets are looked for first and downloaded to. */
    public static Path primary(DataOptions options) {
        return primary(options, System.getenv(ENV));
    }

    static Path primary(DataOptions options, String env) {
        if (options.dataDir() != null) {
            return options.dataDir();
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".swa4j", "data");
    }

    /** The folders that may hold set {@code folder}, in the order they are tried. */
    public static List<Path> candidates(DataOptions options, String folder, boolean systemToo) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(primary(options).resolve(folder));
        if (systemToo) {
            Path system = SYSTEM.resolve(folder);
            if (!dirs.contains(system)) {
                dirs.add(system);
            }
        }
        return dirs;
    }
}
