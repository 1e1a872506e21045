package org.swa4j.data;

/**
 * The published shape of a data set, known without its files: what a plan of a run needs (steps per
 * epoch, evaluation sizes, input shape) on a machine that does not hold the data. Sizes are those of
 * the official releases; {@code ImageDataset} reports what was actually opened.
 *
 * @param name      the name {@link Datasets#open} takes
 * @param trainSize training examples of the official release
 * @param testSize  test (ImageNet: validation) examples
 * @param classes   number of classes
 * @param channels  image channels
 * @param height    height of the images the iterators produce (ImageNet: the 224 crop)
 * @param width     width of the images the iterators produce
 */
public record DatasetSpec(String name, int trainSize, int testSize, int classes, int channels, int height, int width) {

    /** Training examples used with a limit ({@code 0} or null: all). */
    public int trainSize(Integer limit) {
        return limit == null || limit <= 0 ? trainSize : Math.min(limit, trainSize);
    }

    /** Test examples used with a limit ({@code 0} or null: all). */
    public int testSize(Integer limit) {
        return limit == null || limit <= 0 ? testSize : Math.min(limit, testSize);
    }
}
