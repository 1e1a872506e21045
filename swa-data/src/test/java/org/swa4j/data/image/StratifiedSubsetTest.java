package org.swa4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StratifiedSubsetTest {
    @Test
    void quotasByLargestRemainder() {
        // 5 of (5, 3, 2): exact 2.5, 1.5, 1.0 -> floors 2, 1, 1 and the spare one goes to class 0 (tie, lower index)
        assertArrayEquals(new int[] {3, 1, 1}, StratifiedSubset.quotas(new int[] {5, 3, 2}, 5));
        // 7 of (6, 3, 1): 4.2, 2.1, 0.7 -> 4, 2, 0 and the spare goes to class 2 (.7)
        assertArrayEquals(new int[] {4, 2, 1}, StratifiedSubset.quotas(new int[] {6, 3, 1}, 7));
        assertArrayEquals(new int[] {600, 600}, StratifiedSubset.quotas(new int[] {6000, 6000}, 1200));
    }

    @Test
    void selectsTheFirstOfEachClassInFileOrder() {
        int[] labels = {0, 1, 0, 2, 1, 0, 0, 1, 2, 0};
        // counts 5, 3, 2; limit 5 -> 3, 1, 1: class 0 at 0, 2, 5; class 1 at 1; class 2 at 3
        assertArrayEquals(new int[] {0, 1, 2, 3, 5}, StratifiedSubset.select(labels, 3, 5));
    }

    @Test
    void rejectsLimitsOutsideTheSet() {
        assertThrows(IllegalArgumentException.class, () -> StratifiedSubset.quotas(new int[] {2, 2}, 5));
        assertThrows(IllegalArgumentException.class, () -> StratifiedSubset.quotas(new int[] {2, 2}, 0));
    }
}
