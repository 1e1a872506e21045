package org.swa4j.experiments.preset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.results.Json;

import com.fasterxml.jackson.databind.JsonNode;

/** The optional "swag" block: its defaults, its absence from presets without it, and every refusal by name and value. */
class SwagPresetTest {

    /** quick with other methods and swag block, seeds 3 (swa.budgets [1, 1.25, 1.5]). */
    private static Preset quick(List<String> methods, Preset.SwagOptions swag) {
        Preset q = Presets.load("quick");
        return new Preset(q.name(), q.description(), q.dataset(), q.model(), q.layers(), q.trainLimit(), q.testLimit(), q.augment(),
                q.normalisation(), 3, q.batchSize(), q.budgetEpochs(), q.lrInit(), q.lrSchedule(), q.momentum(), q.weightDecay(),
                methods, q.ema(), q.fge(), q.swa(), swag, q.pretrained(), q.paper());
    }

    @Test
    void anAbsentBlockIsTheDefaultsAndStaysOutOfTheJson() throws Exception {
        Preset q = Presets.load("quick");
        assertNull(q.swag());
        assertEquals(new Preset.SwagOptions(20, 0.5, 30, 3, null), q.swagOptions());
        assertEquals(List.of(1.5), q.swagBudgets(), "null budgets: the largest of swa.budgets [1, 1.25, 1.5]");
        JsonNode tree = Json.mapper().readTree(Presets.text("quick"));
        assertFalse(tree.has("swag"), "a preset without the block is written without the key, as before");
        assertEquals(q, Json.mapper().readValue(Presets.text("quick"), Preset.class));
        for (String n : Presets.names()) {
            JsonNode preset = Json.mapper().readTree(Presets.text(n));
            boolean swag = false;
            for (JsonNode m : preset.get("methods")) {
                swag |= m.asText().equals("swag");
            }
            if (!swag) {
                assertFalse(preset.has("swag"), n + ": a preset without the swag method has no swag block");
            }
        }
    }

    @Test
    void aPartialBlockTakesTheDefaultsOfWhatItLeavesOut() throws Exception {
        String json = Presets.text("quick").replace("\"paper\" :", "\"swag\" : {\"samples\": 5, \"budgets\": [1.25, 1]},\n  \"paper\" :");
        Preset p = Json.mapper().readValue(json, Preset.class);
        assertEquals(new Preset.SwagOptions(20, 0.5, 5, 3, List.of(1.25, 1.0)), p.swag());
        assertEquals(List.of(1.0, 1.25), p.swagBudgets(), "ascending");
        assertEquals(p, Json.mapper().readValue(Json.mapper().writeValueAsString(p), Preset.class));
        assertEquals(List.of(), PresetValidator.staticProblems(quick(List.of("sgd", "swa", "swag", "multiswag"), p.swag())));
    }

    @Test
    void swagNeedsSwaAndMultiswagNeedsSwag() {
        assertEquals(List.of("method swag collects the weights SWA averages, along the SWA run: list swa too"),
                PresetValidator.staticProblems(quick(List.of("sgd", "swag"), null)));
        assertEquals(List.of("method multiswag mixes the swag results of several seeds: list swag too"),
                PresetValidator.staticProblems(quick(List.of("sgd", "swa", "multiswag"), null)));
    }

    @Test
    void everyBadValueIsNamedWithItsField() {
        Preset bad = quick(List.of("swa", "swag", "multiswag"), new Preset.SwagOptions(1, -0.5, 0, 4, List.of(1.5, 2.0, 1.5)));
        assertEquals(List.of(
                "swag.rank = 1; must be 0 (SWAG-Diagonal) or >= 2",
                "swag.scale = -0.5; must be finite and >= 0",
                "swag.samples = 0; must be >= 1",
                "swag.multiswag_models = 4; must be in [2, seeds = 3]",
                "swag.budgets contains 2.0; each must be one of swa.budgets [1.0, 1.25, 1.5]",
                "swag.budgets lists 1.5 twice"), PresetValidator.staticProblems(bad));
        List<String> more = new ArrayList<>(PresetValidator.staticProblems(quick(List.of("swa", "swag", "multiswag"),
                new Preset.SwagOptions(-1, Double.POSITIVE_INFINITY, 1, 1, List.of()))));
        assertEquals(List.of(
                "swag.rank = -1; must be 0 (SWAG-Diagonal) or >= 2",
                "swag.scale = Infinity; must be finite and >= 0",
                "swag.multiswag_models = 1; must be in [2, seeds = 3]",
                "swag.budgets is empty; list some of swa.budgets, or null for the largest of them"), more);
        assertEquals(List.of(), PresetValidator.staticProblems(quick(List.of("swa", "swag"), new Preset.SwagOptions(0, 1.0, 1, 9, null))),
                "rank 0 is SWAG-Diagonal; multiswag_models is only checked with multiswag");
    }

    @Test
    void theProblemsAreReportedWithThePresetsOthers() {
        Preset bad = quick(List.of("swa", "swag"), new Preset.SwagOptions(20, 0.5, -3, 3, null));
        PresetProblems e = org.junit.jupiter.api.Assertions.assertThrows(PresetProblems.class,
                () -> PresetValidator.validate(bad, null));
        assertEquals("preset 'quick' has 1 problem(s):\n  - swag.samples = -3; must be >= 1", e.getMessage());
    }
}
