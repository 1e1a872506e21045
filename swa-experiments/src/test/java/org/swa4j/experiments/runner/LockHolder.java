package org.swa4j.experiments.runner;

import java.nio.file.Path;

import org.swa4j.experiments.results.ResultsLock;

/** A second process that takes a results directory's lock, says so on stdout, and holds it until it is killed. */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (ResultsLock lock = ResultsLock.acquire(Path.of(args[0]), "swa run (a test's lock holder)")) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
