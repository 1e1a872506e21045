package org.swa4j.core.schedule;

/** Argument checks shared by the schedules. */
final class Schedules {
    private Schedules() {
    }

    static void requirePositive(String name, double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(name + " must be a positive finite learning rate, got " + lr);
        }
    }
}
