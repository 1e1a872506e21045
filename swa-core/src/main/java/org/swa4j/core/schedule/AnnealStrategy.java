package org.swa4j.core.schedule;

/** How {@link SwaAnnealSchedule} moves from its initial rate to the SWA rate (torch SWALR). */
public enum AnnealStrategy {
    /** {@code alpha(t) = (1 - cos(pi t)) / 2}. */
    COS {
        @Override
        double alpha(double t) {
            return (1 - Math.cos(Math.PI * t)) / 2;
        }
    },
    /** {@code alpha(t) = t}. */
    LINEAR {
        @Override
        double alpha(double t) {
            return t;
        }
    };

    abstract double alpha(double t);
}
