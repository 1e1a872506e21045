package org.swa4j.data.image;

/**
 * A fixed, indexed collection of labelled images that the batch iterators draw from. {@link #image(int)} may
 * decode from disk (ImageNet) and must be safe to call from several threads at once.
 */
public interface ExampleSource {
    /** Number of examples. */
    int size();

    /** Number of classes; every label is in {@code [0, numClasses)}. */
    int numClasses();

    /** The label of example {@code index}. */
    int label(int index);

    /** The decoded image of example {@code index}. */
    RawImage image(int index);
}
