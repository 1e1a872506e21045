package org.swa4j.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.TestOutput;

class TrainBenchmarkTest {

    @Test
    void printsTrainingImagesPerSecondAsTheLastLine() {
        TestOutput.Result r = TestOutput.execute(
                "bench-train --model cnn4 --input 1x16x16 --batch 4 --steps 2 --warmup 1 --threads 1 --layers fused".split(" "));
        assertEquals(0, r.exitCode(), r.text());
        String[] lines = r.text().trim().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("images/s: [0-9]+\\.[0-9]"), last);
        assertTrue(Double.parseDouble(last.substring("images/s: ".length())) > 0, last);
    }

    @Test
    void anUnknownModelIsRefusedByNameWithExitCodeTwo() {
        TestOutput.Result r = TestOutput.execute("bench-train", "--model", "cnn4x", "--input", "1x16x16", "--batch", "4");
        assertEquals(2, r.exitCode(), r.text());
        assertTrue(r.text().contains("swa: ") && r.text().contains("'cnn4x'"), r.text());
    }
}
