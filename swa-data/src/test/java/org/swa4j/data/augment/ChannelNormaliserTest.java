package org.swa4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.swa4j.data.image.LabelledImages;

class ChannelNormaliserTest {
    @Test
    void appliesMeanAndStdPerChannelOnTheUnitScale() {
        float[] v = {0, 255, 51, 102};
        ChannelNormaliser.CIFAR_RESNET.apply(v, 0, 1);
        assertEquals((0 - 0.4914) / 0.2023, v[0], 1e-5);
        assertEquals((1 - 0.4822) / 0.1994, v[1], 1e-5);
        assertEquals((0.2 - 0.4465) / 0.2010, v[2], 1e-5);
        assertEquals(102, v[3]);
    }

    @Test
    void statisticsOfTwoImagesByHand() {
        // one channel, 1x2 images: pixels 0, 255, 51, 204 -> unit values 0, 1, .2, .8: mean .5, var (.25+.25+.09+.09)/4
        LabelledImages im = new LabelledImages("t", List.of("a"), 1, 1, 2, new byte[] {0, (byte) 255, 51, (byte) 204},
                new int[] {0, 0});
        ChannelNormaliser n = ChannelNormaliser.ofImages(im);
        assertEquals(0.5, n.mean()[0], 1e-12);
        assertEquals(Math.sqrt(0.68 / 4), n.std()[0], 1e-12);
    }

    @Test
    void rejectsZeroStd() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelNormaliser(new double[] {0}, new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new ChannelNormaliser(new double[] {0, 1}, new double[] {1}));
    }
}
