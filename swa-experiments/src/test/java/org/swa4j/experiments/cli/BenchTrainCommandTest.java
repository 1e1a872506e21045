package org.swa4j.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.bench.BenchSettings;

import picocli.CommandLine;

/** {@code swa bench-train}'s options: parsed into the benchmark's settings, or refused naming the option and value. */
class BenchTrainCommandTest {

    private static BenchSettings parse(String line) {
        BenchTrainCommand command = new BenchTrainCommand();
        new CommandLine(command).parseArgs(line.split(" "));
        return command.settings();
    }

    /** Runs {@code swa bench-train ARGS}, expects exit code 2 and returns what was printed. */
    private static String refused(String line) {
        TestOutput.Result r = TestOutput.execute(("bench-train " + line).split(" "));
        assertEquals(2, r.exitCode(), r.text());
        return r.text();
    }

    @Test
    void parsesTheDocumentedCommand() {
        BenchSettings a = parse("--model cnn32 --input 1x28x28 --batch 128 --steps 20 --threads 2 --layers stock");
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
        assertEquals(42, a.seed());
        assertTrue(a.workspaces());
    }

    @Test
    void unsetOptionsTakeTheirDefaultsAndEveryOptionIsRead() {
        BenchSettings d = parse("--model preresnet20 --input 3x32x24 --batch 16");
        assertEquals(new BenchSettings("preresnet20", 3, 32, 24, 16, 20, Runtime.getRuntime().availableProcessors(),
                "fused", 8, 10, 42, true), d);
        BenchSettings all = parse("--model cnn4 --input 2x16x8 --batch 4 --steps 3 --threads 1 --layers native --warmup 0 "
                + "--classes 100 --seed 7 --workspaces none");
        assertEquals(new BenchSettings("cnn4", 2, 16, 8, 4, 3, 1, "native", 0, 100, 7, false), all);
    }

    @Test
    void rejectsBadValuesNamingTheOptionAndTheValue() {
        String valid = "--model cnn32 --input 1x28x28 --batch 8";
        String[][] cases = {
            {"--model cnn32 --input 28x28 --batch 8", "swa: --input must be CxHxW (e.g. 1x28x28), got '28x28'"},
            {"--model cnn32 --input 1x28x28x3 --batch 8", "swa: --input must be CxHxW (e.g. 1x28x28), got '1x28x28x3'"},
            {"--model cnn32 --input 1x0x28 --batch 8", "swa: --input must be CxHxW with C, H and W integers >= 1, got '1x0x28'"},
            {"--model cnn32 --input 1xax28 --batch 8", "swa: --input must be CxHxW with C, H and W integers >= 1, got '1xax28'"},
            {"--model cnn32 --input 1x28x28 --batch 0", "swa: --batch must be >= 1, got 0"},
            {valid + " --steps 0", "swa: --steps must be >= 1, got 0"},
            {valid + " --threads -2", "swa: --threads must be >= 1, got -2"},
            {valid + " --warmup -1", "swa: --warmup must be >= 0, got -1"},
            {valid + " --classes 0", "swa: --classes must be >= 1, got 0"},
            {valid + " --layers cudnn", "swa: --layers must be one of [stock, native, fused], got 'cudnn'"},
            {valid + " --workspaces off", "swa: --workspaces must be enabled or none, got 'off'"},
        };
        for (String[] c : cases) {
            String text = refused(c[0]);
            assertTrue(text.contains(c[1]), c[0] + ": " + text);
            assertFalse(text.contains("images/s"), text);
        }
    }

    @Test
    void picocliRefusesUnknownMissingAndMalformedOptionsWithTheUsage() {
        String unknown = refused("--model cnn32 --input 1x28x28 --batch 8 --bogus 1");
        assertTrue(unknown.contains("Unknown options: '--bogus', '1'") && unknown.contains("Usage: swa bench-train"), unknown);
        String missing = refused("--model cnn32 --input 1x28x28");
        assertTrue(missing.contains("Missing required option: '--batch=N'"), missing);
        String twice = refused("--model cnn32 --input 1x28x28 --batch 8 --batch 16");
        assertTrue(twice.contains("option '--batch' (N) should be specified only once"), twice);
        String notANumber = refused("--model cnn32 --input 1x28x28 --batch x");
        assertTrue(notANumber.contains("Invalid value for option '--batch': 'x' is not an int"), notANumber);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        TestOutput.Result help = TestOutput.execute("bench-train", "--help");
        assertEquals(0, help.exitCode(), help.text());
        String text = help.text();
        assertTrue(text.contains("Usage: swa bench-train"), text);
        for (String option : new String[] {"--model=NAME", "--input=CxHxW", "--batch=N", "--steps=N", "--threads=N",
            "--layers=NAME", "--warmup=N", "--classes=N", "--seed=N", "--workspaces=enabled|none"}) {
            assertTrue(text.contains(option), option + " in " + text);
        }
        String flat = text.replaceAll("\\s+", " ");
        for (String fallback : new String[] {"(default: 20)", "(default: 8)", "(default: 10)", "(default: 42)",
            "(default: fused)", "(default: enabled)",
            "(default: all cores, " + Runtime.getRuntime().availableProcessors() + " here)"}) {
            assertTrue(flat.contains(fallback), fallback + " in " + text);
        }
    }
}
