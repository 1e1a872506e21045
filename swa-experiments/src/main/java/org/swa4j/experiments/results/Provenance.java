package org.swa4j.experiments.results;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * Where a result came from: code version, library versions, backend, machine and times. Recorded
 * with every run so that a number in a report can be traced to what produced it.
 *
 * @param gitCommit    commit of the working tree (with "-dirty" when it had changes), or "unknown"
 * @param swa4jVersion version of this project
 * @param dl4jVersion  Deeplearning4j/ND4J version on the classpath
 * @param backend      ND4J backend class and its BLAS / OneDNN variant
 * @param jvm          vendor, version, and the -X/-XX options it ran with
 * @param os           name, version, architecture
 * @param cpu          processor model and logical cores
 * @param threads      threads the run was allowed (OMP_NUM_THREADS / --threads)
 * @param layers       layer implementation the model was built with
 * @param startTime    ISO-8601 start
 * @param endTime      ISO-8601 end, null while running
 */
public record Provenance(String gitCommit, String swa4jVersion, String dl4jVersion, String backend, String jvm,
        String os, String cpu, int threads, String layers, String startTime, String endTime) {

    /** The provenance of this process now, with {@code endTime} null. */
    public static Provenance capture(int threads, String backend, String layers) {
        return new Provenance(currentGitCommit(), version("org.swa4j", "swa-experiments"), version("org.deeplearning4j", "deeplearning4j-nn"),
                backend, currentJvm(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " logical cores",
                threads, layers, Instant.now().toString(), null);
    }

    /** Vendor and version, plus the heap, compiler and collector options this JVM was started with. */
    public static String currentJvm() {
        String options = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:") || a.startsWith("-Xm"))
                .collect(java.util.stream.Collectors.joining(" "));
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                + (options.isEmpty() ? "" : " (" + options + ")");
    }

    /** The code that ran, as reports name it: {@code swa4j VERSION at COMMIT; DL4J VERSION; backend BACKEND}. */
    public String code() {
        return "swa4j " + swa4jVersion + " at " + gitCommit + "; DL4J " + dl4jVersion + "; backend " + backend;
    }

    /** The machine it ran on, as reports name it: {@code CPU; OS; JVM; threads N}. */
    public String machine() {
        return cpu + "; " + os + "; " + jvm + "; threads " + threads;
    }

    /** A copy with the start time set to {@code start}: a resumed job keeps the start of its first process. */
    public Provenance startedAt(String start) {
        return new Provenance(gitCommit, swa4jVersion, dl4jVersion, backend, jvm, os, cpu, threads, layers, start, endTime);
    }

    /** A copy naming {@code commit} as the code: a job resumed across commits names each one. */
    public Provenance withCommit(String commit) {
        return new Provenance(commit, swa4jVersion, dl4jVersion, backend, jvm, os, cpu, threads, layers, startTime, endTime);
    }

    /** A copy with the end time set to now. */
    public Provenance finished() {
        return new Provenance(gitCommit, swa4jVersion, dl4jVersion, backend, jvm, os, cpu, threads, layers, startTime,
                Instant.now().toString());
    }

    static String currentGitCommit() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=40").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static String version(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Provenance.class.getResourceAsStream(resource)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            return "unknown";
        }
        Package pkg = Provenance.class.getPackage();
        return pkg.getImplementationVersion() != null ? pkg.getImplementationVersion() : "0.1.0-SNAPSHOT (classes)";
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return ManagementFactory.getOperatingSystemMXBean().getArch();
    }
}
