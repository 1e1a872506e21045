package org.swa4j.experiments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident set size of this process ({@code VmHWM} in {@code /proc/self/status}, Linux only). */
final class PeakMemory {

    private PeakMemory() {
    }

    /** Peak RSS in MiB, or -1 where {@code /proc/self/status} is unavailable. */
    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
