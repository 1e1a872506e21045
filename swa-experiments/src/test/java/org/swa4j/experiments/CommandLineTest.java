package org.swa4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command answers --help; bad presets and options are refused before training, all problems at once. */
class CommandLineTest {

    @TempDir
    Path tmp;

    private static String capture(Runnable r) {
        return TestOutput.capture(r);
    }

    @Test
    void helpOnEveryCommand() {
        for (String c : new String[] {"run", "resume", "report", "presets", "models", "merge", "geometry", "average",
            "bench-train", "parity", "ensemble-gap", "shift", "corrupt", "swag"}) {
            int[] rc = new int[1];
            String text = capture(() -> rc[0] = Main.execute(c, "--help"));
            assertEquals(0, rc[0], c);
            assertTrue(text.contains("Usage: swa " + c), text);
        }
        String geometry = capture(() -> Main.execute("geometry", "--help"));
        assertTrue(geometry.contains("--line-step") && geometry.contains("--analyses"), geometry);
        String swag = capture(() -> Main.execute("swag", "--help"));
        assertTrue(swag.contains("--rank") && swag.contains("--samples") && swag.contains("--multiswag-models")
                && swag.contains("--budgets") && swag.contains("--force"), swag);
        String average = capture(() -> Main.execute("average", "--help"));
        assertTrue(average.contains("--bn-data") && average.contains("--out"), average);
        int[] refused = new int[1];
        String missing = capture(() -> refused[0] = Main.execute("geometry", "--sgd", "a.zip"));
        assertEquals(2, refused[0], missing);
        assertTrue(missing.contains("swa: without DIR, --sgd, --swa, --data and --out are all required"), missing);
        String top = capture(() -> Main.execute("--help"));
        for (String c : new String[] {"run", "resume", "report", "presets", "models", "merge", "geometry", "average",
            "bench-train", "parity", "ensemble-gap", "shift", "corrupt", "swag"}) {
            assertTrue(top.contains(c), top);
        }
    }

    @Test
    void presetsListsAndShows() {
        String list = capture(() -> Main.execute("presets"));
        assertTrue(list.contains("quick") && list.contains("cifar100-vgg16") && list.contains("imagenet-swa-pretrained"), list);
        String json = capture(() -> Main.execute("presets", "--show", "quick"));
        assertTrue(json.contains("\"name\" : \"quick\"") && json.contains("\"budget_epochs\" : "), json);
    }

    @Test
    void invalidOptionsAreAllListedAndNothingIsTrained() throws Exception {
        Path out = tmp.resolve("bad");
        int[] rc = new int[1];
        String text = capture(() -> rc[0] = Main.execute("run", "--preset", "quick", "--seeds", "0", "--epochs", "-3",
                "--shard", "5/2", "--out", out.toString()));
        assertEquals(2, rc[0], text);
        assertTrue(text.contains("--seeds 0 must be >= 1"), text);
        assertTrue(text.contains("--epochs -3"), text);
        assertTrue(text.contains("shard index 5 must be in [0, 2)"), text);
        assertTrue(!Files.exists(out), "nothing was written");
    }

    @Test
    void unknownModelAndMissingDataAreRefusedBeforeTraining() throws Exception {
        String preset = Files.readString(Path.of("src/test/resources/presets/tiny.json"))
                .replace("\"cnn4\"", "\"resnet9000\"");
        Path file = tmp.resolve("bad-model.json");
        Files.writeString(file, preset);
        int[] rc = new int[1];
        String text = capture(() -> rc[0] = Main.execute("run", "--preset", file.toString(), "--out", tmp.resolve("o1").toString()));
        assertEquals(2, rc[0], text);
        assertTrue(text.contains("model 'resnet9000'"), text);
        Path empty = Files.createDirectories(tmp.resolve("no-data"));
        Path cifar = tmp.resolve("cifar.json");
        Files.writeString(cifar, Files.readString(Path.of("src/test/resources/presets/tiny.json"))
                .replace("\"fashion-mnist-embedded\"", "\"cifar10\""));
        text = capture(() -> rc[0] = Main.execute("run", "--preset", cifar.toString(), "--data", empty.toString(), "--no-download",
                "--out", tmp.resolve("o2").toString()));
        assertEquals(2, rc[0], text);
        assertTrue(text.contains("data set 'cifar10'"), text);
        assertTrue(!Files.exists(tmp.resolve("o2")), "nothing was written");
    }
}
