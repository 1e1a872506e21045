package org.swa4j.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * An immutable description of one architecture instance (family, depth, width, classes, input),
 * validated on construction. {@link #config(BuildSettings)} is a pure function of the spec and the
 * settings: the same arguments give equal configurations.
 */
public interface ModelSpec {

    /** The name users type for this instance, e.g. {@code preresnet164}. */
    String name();

    /** Number of output classes (at least 2). */
    int numClasses();

    /** Shape of one input image. */
    InputShape input();

    /** The DL4J computation graph of this instance. */
    ComputationGraphConfiguration config(BuildSettings settings);

    /** Rejects fewer than two classes; shared by every spec's compact constructor. */
    static void requireClasses(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses " + numClasses + " must be >= 2");
        }
    }
}
