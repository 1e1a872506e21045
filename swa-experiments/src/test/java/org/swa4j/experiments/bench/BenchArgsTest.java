package org.swa4j.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchArgsTest {

    @Test
    void parsesTheDocumentedCommand() {
        BenchArgs a = BenchArgs.parse("--model cnn32 --input 1x28x28 --batch 128 --steps 20 --threads 2 --layers stock".split(" "));
        assertEquals("cnn32", a.model());
        assertEquals(1, a.channels());
        assertEquals(28, a.height());
        assertEquals(28, a.width());
        assertEquals(128, a.batch());
        assertEquals(20, a.steps());
        assertEquals(2, a.threads());
        assertEquals("stock", a.layers());
        assertEquals(8, a.warmup());
        assertEquals(10, a.classes());
    }

    @Test
    void rejectsBadInputNamingTheValue() {
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.parse("--model cnn32 --input 28x28 --batch 8".split(" ")));
        assertTrue(shape.getMessage().contains("28x28"), shape.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.parse("--model cnn32 --input 1x28x28 --batch 0".split(" ")));
        assertTrue(batch.getMessage().contains("0"), batch.getMessage());
        IllegalArgumentException layers = assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.parse("--model cnn32 --input 1x28x28 --batch 8 --layers cudnn".split(" ")));
        assertTrue(layers.getMessage().contains("cudnn"), layers.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BenchArgs.parse("--model cnn32 --input 1x28x28 --batch 8 --bogus 1".split(" ")));
        assertThrows(IllegalArgumentException.class, () -> BenchArgs.parse("--model cnn32 --input 1x28x28".split(" ")));
    }
}
