package org.swa4j.experiments.train;

import sun.misc.Signal;

/**
 * A request from outside to stop training: SIGTERM (what Slurm and Kubernetes send before they kill)
 * or SIGINT (Ctrl-C). The signal only sets a flag; {@link TrainingEpoch} checks it before every step,
 * so the step under way finishes, the epoch is abandoned, and the job's last committed checkpoint is
 * the consistent state that {@code swa resume} continues from. A second signal ends the process at
 * once ({@code Runtime.halt}), for a user who does not want to wait for the step.
 */
public final class StopRequest {

    private static volatile String signal;

    private StopRequest() {
    }

    /** Installs the handlers of SIGTERM and SIGINT (the command-line tool's {@code main} does, tests do not). */
    public static void installSignalHandlers() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                if (signal != null) {
                    System.err.println("swa: second SIG" + s.getName() + ": stopping at once");
                    Runtime.getRuntime().halt(128 + s.getNumber());
                }
                signal = "SIG" + s.getName();
                System.err.println("swa: SIG" + s.getName() + " received: stopping after the current training step "
                        + "(send it again to stop at once)");
            });
        }
    }

    /** The signal that asked to stop, or null. */
    public static String requested() {
        return signal;
    }

    /** Throws {@link Stopped} if a stop was requested. */
    public static void check(int epoch, long stepsDone) {
        String s = signal;
        if (s != null) {
            throw new Stopped(s, epoch, stepsDone);
        }
    }

    /** Training stopped on request before step {@code stepsDone + 1} of pass {@code epoch} (0-based). */
    public static final class Stopped extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String signalName;
        private final int epoch;
        private final long stepsDone;

        Stopped(String signalName, int epoch, long stepsDone) {
            super("stopped by " + signalName + " in epoch " + (epoch + 1) + " after " + stepsDone + " steps");
            this.signalName = signalName;
            this.epoch = epoch;
            this.stepsDone = stepsDone;
        }

        public String signalName() {
            return signalName;
        }

        /** The abandoned pass, 0-based. */
        public int epoch() {
            return epoch;
        }

        public long stepsDone() {
            return stepsDone;
        }

        /** 128 + the signal's number, as a shell reports a process ended by it. */
        public int exitCode() {
            return "SIGINT".equals(signalName) ? 130 : 143;
        }
    }
}
