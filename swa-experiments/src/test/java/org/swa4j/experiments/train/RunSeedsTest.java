package org.swa4j.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The seeds a run derives, by hand. They are part of every recorded number, so a change here must be
 * deliberate (and change the golden values).
 */
class RunSeedsTest {

    @Test
    void everyDerivationByHand() {
        assertEquals(7, RunSeeds.initialisation(7));
        assertEquals(7, RunSeeds.trainingData(7), "the SGD, FGE and SWA runs of a seed see the same batches");
        assertEquals(0x5EEDB00BL + 7, RunSeeds.batchNormData(7));
        assertEquals(1_592_635_403L + 1, RunSeeds.batchNormData(1), "0x5EEDB00B = 1,592,635,403");
        assertEquals(7 * 1_000_003L + 4, RunSeeds.trainingPass(7, 4));
        assertEquals(16_000_048L + 2, RunSeeds.trainingPass(16, 2), "16 x 1,000,003 = 16,000,048");
        assertEquals(1_516_961_792L + 3, RunSeeds.swagSampling(3), "0x5A6B0000 = 1,516,961,792, as the PyTorch peer's");
    }
}
