package org.swa4j.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TrainBenchmarkTest {

    @Test
    void printsTrainingImagesPerSecondAsTheLastLine() {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            code = TrainBenchmark.run("--model cnn4 --input 1x16x16 --batch 4 --steps 2 --warmup 1 --threads 1 --layers fused"
                    .split(" "));
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("images/s: [0-9]+\\.[0-9]"), last);
        assertTrue(Double.parseDouble(last.substring("images/s: ".length())) > 0, last);
    }

    @Test
    void badArgumentsGiveExitCodeTwo() {
        assertEquals(2, TrainBenchmark.run(new String[] {"--model", "cnn4"}));
    }
}
