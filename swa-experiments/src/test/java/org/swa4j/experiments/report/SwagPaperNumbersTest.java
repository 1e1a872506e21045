package org.swa4j.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code paper/swag.csv} against the NLL tables of wjmaddox/swa_gaussian's
 * {@code experiments/train/README.md}, section "Results" (mean ± value as printed), typed here from the
 * README: CIFAR100 VGG16 1.73 ± 0.01, 1.28 ± 0.01, 0.95 ± 0.0, 1.02 ± 0.0; PreResNet164 0.95 ± 0.02,
 * 0.74 ± 0.03, 0.71 ± 0.02, 0.68 ± 0.02; WideResNet28x10 0.80 ± 0.01, 0.67 ± 0.0, 0.60 ± 0.0, 0.62 ± 0.0;
 * CIFAR10 VGG16 0.33 ± 0.01, 0.26 ± 0.01, 0.20 ± 0.0, 0.22 ± 0.01; PreResNet164 0.18 ± 0.0, 0.15 ± 0.00,
 * 0.12 ± 0.0, 0.13 ± 0.0; WideResNet28x10 0.13 ± 0.0, 0.11 ± 0.00, 0.11 ± 0.0, 0.11 ± 0.0 (columns SGD,
 * SWA, SWAG, SWAG-Diagonal).
 */
class SwagPaperNumbersTest {

    private static final List<String> METHODS = List.of("SGD", "SWA", "SWAG", "SWAG-Diagonal");

    /** {dataset/model: the four means, then the four ± values}, in the README's column order. */
    private static final Map<String, double[]> README = Map.of(
            "CIFAR-100/VGG-16", new double[] {1.73, 1.28, 0.95, 1.02, 0.01, 0.01, 0, 0},
            "CIFAR-100/PreResNet-164", new double[] {0.95, 0.74, 0.71, 0.68, 0.02, 0.03, 0.02, 0.02},
            "CIFAR-100/WRN-28-10", new double[] {0.80, 0.67, 0.60, 0.62, 0.01, 0, 0, 0},
            "CIFAR-10/VGG-16", new double[] {0.33, 0.26, 0.20, 0.22, 0.01, 0.01, 0, 0.01},
            "CIFAR-10/PreResNet-164", new double[] {0.18, 0.15, 0.12, 0.13, 0, 0, 0, 0},
            "CIFAR-10/WRN-28-10", new double[] {0.13, 0.11, 0.11, 0.11, 0, 0, 0, 0});

    @Test
    void everyReadmeNumberIsInTheFileOnce() {
        List<PaperNumbers.MetricRow> rows = PaperNumbers.swag();
        assertEquals(24, rows.size());
        Map<String, PaperNumbers.MetricRow> byKey = new HashMap<>();
        for (PaperNumbers.MetricRow r : rows) {
            assertEquals(null, byKey.put(r.dataset() + "/" + r.model() + "/" + r.method(), r), "twice: " + r);
            assertEquals("300", r.budgetEpochs(), r.toString());
            assertEquals("1", r.budget(), r.toString());
            assertEquals("nll", r.metric(), r.toString());
            assertTrue(r.source().startsWith("wjmaddox/swa_gaussian experiments/train/README.md"), r.source());
        }
        README.forEach((dataModel, values) -> {
            for (int m = 0; m < METHODS.size(); m++) {
                PaperNumbers.MetricRow r = byKey.get(dataModel + "/" + METHODS.get(m));
                assertEquals(values[m], r.mean(), 0, dataModel + " " + METHODS.get(m));
                assertEquals(values[4 + m], r.std(), 0, dataModel + " " + METHODS.get(m) + " ±");
            }
        });
    }
}
