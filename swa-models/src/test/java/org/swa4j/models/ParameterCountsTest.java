package org.swa4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The paper's five architectures against their published sizes: exact reference-code counts for
 * VGG-16, PreResNet-164 and WRN-28-10 (timgaripov/swa, PyTorch {@code numel} of
 * {@code parameters()}), and the papers' rounded figures (within 1%) for Shake-Shake-26 2x64d
 * (11.7M, Gastaldi 2017 Table 1) and PyramidNet-272 alpha 200 (26.0M, Han et al. 2017 Table 4).
 * Counted from the configurations: no network is initialised.
 */
class ParameterCountsTest {

    @Test
    void referenceCountsAreMatchedExactly() {
        assertCounts("vgg16", 15_245_130, 15_291_300);
        assertCounts("preresnet164", 1_703_258, 1_726_388);
        assertCounts("wrn28x10", 36_489_290, 36_546_980);
    }

    @Test
    void paperCountsAreMatchedWithinOnePercent() {
        assertWithinOnePercent("shakeshake26_2x64d", 11.7e6);
        assertWithinOnePercent("pyramidnet272_a200", 26.0e6);
    }

    @Test
    void vgg16MultiplyAccumulatesMatchTheFormula() {
        long[][] stages = {{3, 64, 64}, {64, 128, 128}, {128, 256, 256, 256}, {256, 512, 512, 512}, {512, 512, 512, 512}};
        long macs = 0;
        int size = 32;
        for (long[] widths : stages) {
            for (int i = 1; i < widths.length; i++) {
                macs += 9 * widths[i - 1] * widths[i] * size * size;
            }
            size /= 2;
        }
        macs += 512 * 512 + 512 * 512 + 512 * 10;
        assertEquals(313_725_952L, macs);
        assertEquals(macs, Models.info("vgg16").macsPerImage());
    }

    private static void assertCounts(String name, long ten, long hundred) {
        ModelInfo info = Models.info(name);
        assertEquals(ten, info.params10(), name + " with 10 classes");
        assertEquals(hundred, info.params100(), name + " with 100 classes");
    }

    private static void assertWithinOnePercent(String name, double paper) {
        long counted = Models.info(name).params10();
        assertTrue(Math.abs(counted - paper) <= 0.01 * paper, name + ": " + counted + " vs paper " + paper);
    }
}
