package org.swa4j.experiments.preset;

import java.util.List;

/**
 * Every problem found in a preset and its options, thrown before any training starts. The message
 * lists all of them, one per line, so a user can fix them all before running again.
 */
public final class PresetProblems extends IllegalArgumentException {

    private final List<String> problems;

    public PresetProblems(String presetName, List<String> problems) {
        super("preset '" + presetName + "' has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
