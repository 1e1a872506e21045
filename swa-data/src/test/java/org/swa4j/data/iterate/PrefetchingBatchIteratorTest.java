package org.swa4j.data.iterate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.swa4j.data.augment.ChannelNormaliser;
import org.swa4j.data.augment.CopyTransform;
import org.swa4j.data.augment.PadCropFlip;
import org.swa4j.data.image.LabelledImages;

class PrefetchingBatchIteratorTest {
    /** n one-channel 4x4 images; image i stores i in its first two pixels (i / 256, i % 256); label i % 3. */
    private static LabelledImages numbered(int n) {
        byte[] px = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            px[i * 16] = (byte) (i / 256);
            px[i * 16 + 1] = (byte) (i % 256);
            for (int k = 2; k < 16; k++) {
                px[i * 16 + k] = (byte) (10 + k);
            }
            labels[i] = i % 3;
        }
        return new LabelledImages("numbered", List.of("a", "b", "c"), 1, 4, 4, px, labels);
    }

    private static PrefetchingBatchIterator plain(LabelledImages images, int batch, long seed, boolean shuffle, boolean dropLast) {
        return new PrefetchingBatchIterator(images, new CopyTransform(4, 4), ChannelNormaliser.unit(1), images.classNames(), 1,
                batch, seed, shuffle, dropLast, 2);
    }

    /** The example indices of one pass, decoded from the unit-scaled pixels; checks label one-hot too. */
    private static List<Integer> pass(PrefetchingBatchIterator it, List<Integer> batchSizes) {
        List<Integer> seen = new ArrayList<>();
        while (it.hasNext()) {
            DataSet d = it.next();
            float[] f = d.getFeatures().dup().data().asFloat();
            float[] l = d.getLabels().dup().data().asFloat();
            int m = (int) d.getFeatures().size(0);
            batchSizes.add(m);
            assertArrayEquals(new long[] {m, 1, 4, 4}, d.getFeatures().shape());
            for (int j = 0; j < m; j++) {
                int i = Math.round(f[j * 16] * 255) * 256 + Math.round(f[j * 16 + 1] * 255);
                seen.add(i);
                for (int k = 0; k < 3; k++) {
                    assertEquals(k == i % 3 ? 1f : 0f, l[j * 3 + k]);
                }
            }
        }
        return seen;
    }

    @Test
    void everyPassCoversEveryExampleOnceAndKeepsThePartialBatch() {
        LabelledImages images = numbered(103);
        PrefetchingBatchIterator it = plain(images, 10, 42, true, false);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> first = pass(it, sizes);
        assertEquals(11, sizes.size());
        assertEquals(3, sizes.get(10));
        List<Integer> sorted = new ArrayList<>(first);
        Collections.sort(sorted);
        for (int i = 0; i < 103; i++) {
            assertEquals(i, sorted.get(i));
        }
        it.reset();
        assertEquals(1, it.epoch());
        List<Integer> second = pass(it, new ArrayList<>());
        assertNotEquals(first, second);
        assertEquals(Set.copyOf(first), Set.copyOf(second));
        assertEquals(103, second.size());
    }

    @Test
    void samesSeedAndEpochGiveTheSameOrderWhateverTheHistory() {
        LabelledImages images = numbered(50);
        PrefetchingBatchIterator a = plain(images, 8, 7, true, false);
        a.next();
        a.reset();
        a.next();
        a.reset(); // now at pass 2
        List<Integer> passTwo = pass(a, new ArrayList<>());
        PrefetchingBatchIterator b = plain(images, 8, 7, true, false);
        b.setEpoch(2);
        assertEquals(passTwo, pass(b, new ArrayList<>()));
        PrefetchingBatchIterator c = plain(images, 8, 8, true, false);
        c.setEpoch(2);
        assertNotEquals(passTwo, pass(c, new ArrayList<>()));
        // the same pass with another batch size visits examples in the same order
        PrefetchingBatchIterator d = plain(images, 5, 7, true, false);
        d.setEpoch(2);
        assertEquals(passTwo, pass(d, new ArrayList<>()));
    }

    @Test
    void resetOnAnUntouchedPassStaysAndSetEpochIsHonouredByReset() {
        PrefetchingBatchIterator it = plain(numbered(20), 4, 1, true, false);
        it.reset();
        assertEquals(0, it.epoch());
        it.setEpoch(5);
        it.reset();
        assertEquals(5, it.epoch());
        it.next();
        it.setEpoch(5);
        assertEquals(5, it.epoch());
        assertEquals(20, pass(it, new ArrayList<>()).size());
        assertFalse(it.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);
        it.reset();
        assertEquals(6, it.epoch());
        assertTrue(it.hasNext());
        assertThrows(IllegalArgumentException.class, () -> it.setEpoch(-1));
    }

    @Test
    void testOrderIsFileOrderAndDropLastLeavesOnlyThePartialBatchOut() {
        LabelledImages images = numbered(23);
        List<Integer> order = pass(plain(images, 5, 0, false, false), new ArrayList<>());
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            expected.add(i);
        }
        assertEquals(expected, order);
        List<Integer> sizes = new ArrayList<>();
        PrefetchingBatchIterator drop = plain(images, 5, 3, true, true);
        List<Integer> kept = pass(drop, sizes);
        assertEquals(List.of(5, 5, 5, 5), sizes);
        assertEquals(20, new java.util.HashSet<>(kept).size());
        assertThrows(IllegalArgumentException.class, () -> plain(images, 30, 0, true, true));
    }

    @Test
    void augmentationDependsOnlyOnSeedAndPass() {
        LabelledImages images = numbered(40);
        PadCropFlip aug = new PadCropFlip(2, 4, 0.5);
        PrefetchingBatchIterator a = new PrefetchingBatchIterator(images, aug, ChannelNormaliser.unit(1), images.classNames(),
                1, 16, 99, true, false, 1);
        PrefetchingBatchIterator b = new PrefetchingBatchIterator(images, aug, ChannelNormaliser.unit(1), images.classNames(),
                1, 16, 99, true, false, 2);
        b.setEpoch(0);
        while (a.hasNext()) {
            float[] x = a.next().getFeatures().dup().data().asFloat();
            float[] y = b.next().getFeatures().dup().data().asFloat();
            assertArrayEquals(x, y);
        }
        a.reset();
        b.setEpoch(0);
        assertFalse(Arrays.equals(a.next().getFeatures().dup().data().asFloat(), b.next().getFeatures().dup().data().asFloat()));
    }

    @Test
    void augmentationOfTheSameExampleChangesFromPassToPass() {
        LabelledImages one = numbered(1);
        PrefetchingBatchIterator it = new PrefetchingBatchIterator(one, new PadCropFlip(2, 4, 0.5), ChannelNormaliser.unit(1),
                one.classNames(), 1, 1, 5, true, false, 1);
        Set<String> outputs = new java.util.HashSet<>();
        for (int e = 0; e < 10; e++) {
            it.setEpoch(e);
            outputs.add(Arrays.toString(it.next().getFeatures().dup().data().asFloat()));
        }
        // 25 offsets x 2 flips: ten passes drawing the same one would have probability 50^-9
        assertTrue(outputs.size() > 1, "the same augmentation in every pass");
    }

    @Test
    void preProcessorSetMidPassReachesEveryLaterBatchIncludingPreparedOnes() {
        PrefetchingBatchIterator it = plain(numbered(40), 4, 0, true, false);
        assertTrue(it.next().getFeatures().sumNumber().doubleValue() > 0);
        it.setPreProcessor(ds -> ds.getFeatures().muli(0));
        int batches = 1;
        while (it.hasNext()) {
            assertEquals(0.0, it.next().getFeatures().sumNumber().doubleValue());
            batches++;
        }
        assertEquals(10, batches);
    }

    @Test
    void batchesAreBuiltOnBackgroundThreads() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        PrefetchingBatchIterator it = plain(numbered(30), 4, 0, true, false);
        it.setPreProcessor(ds -> threads.add(Thread.currentThread().getName()));
        pass(it, new ArrayList<>());
        assertFalse(threads.isEmpty());
        assertTrue(threads.stream().allMatch(n -> n.startsWith("swa4j-data-")), threads.toString());
    }
}
