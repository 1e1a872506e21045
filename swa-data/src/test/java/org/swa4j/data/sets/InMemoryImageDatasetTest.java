package org.swa4j.data.sets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.image.StratifiedSubset;

/** A narrowed data set keeps the constants its networks were trained with. */
class InMemoryImageDatasetTest {

    private static InMemoryImageDataset open(int trainLimit, int testLimit) {
        return (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded",
                DataOptions.builder().trainLimit(trainLimit).testLimit(testLimit).build());
    }

    @Test
    void aSubsetKeepsTheWholeTrainingSplitsNormalisationAndServesTheStratifiedExamples() {
        InMemoryImageDataset whole = open(0, 0);
        InMemoryImageDataset narrow = whole.subset(1_000, 500);
        assertEquals(1_000, narrow.trainSize());
        assertEquals(500, narrow.testSize());
        assertSame(whole.normaliser(), narrow.normaliser());

        // the subset's test images are the whole split's rows at the stratified indices, normalised alike:
        // test batches come in file order, so row i of the subset is row chosen[i] of the whole split
        LabelledImages test = whole.testImages();
        int[] chosen = StratifiedSubset.select(test.labels(), test.numClasses(), 500);
        INDArray all = ((DataSet) whole.test(test.size()).next()).getFeatures();
        INDArray some = ((DataSet) narrow.test(500).next()).getFeatures();
        for (int i : new int[] {0, 1, 250, 499}) {
            assertArrayEquals(all.slice(chosen[i]).dup().data().asFloat(), some.slice(i).dup().data().asFloat(), 0f, "row " + i);
        }

        // opening with the smaller limits instead recomputes TRAIN_STATISTICS on 1,000 images: other constants
        InMemoryImageDataset reopened = open(1_000, 500);
        assertNotEquals(whole.normaliser().mean()[0], reopened.normaliser().mean()[0]);
        assertTrue(Math.abs(whole.normaliser().mean()[0] - reopened.normaliser().mean()[0]) < 0.05);
    }

    @Test
    void zeroKeepsASplitWholeAndALargerLimitIsRefused() {
        InMemoryImageDataset whole = open(0, 0);
        InMemoryImageDataset sameTrain = whole.subset(0, 100);
        assertEquals(whole.trainSize(), sameTrain.trainSize());
        assertEquals(100, sameTrain.testSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> whole.subset(6_001, 0));
        assertTrue(e.getMessage().contains("6001") && e.getMessage().contains("train"), e.getMessage());
    }
}
