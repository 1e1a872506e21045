package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;

import com.fasterxml.jackson.core.type.TypeReference;

/**
 * The tiny preset's seed-1 results against values recorded in {@code src/test/resources/golden/}
 * (CPU runs are deterministic: same seed, same numbers). A change of any training, averaging, BN
 * update or evaluation code that changes results fails here. After an intended change, regenerate
 * with {@code mvn -pl swa-experiments -am test -Dtest=GoldenValuesTest -Dswa4j.updateGolden=true
 * -Dsurefire.failIfNoSpecifiedTests=false} and commit the file with the reason.
 */
class GoldenValuesTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/tiny-seed1.json");

    @Test
    void finalMetricsMatchTheRecordedOnes() throws IOException {
        ResultsDirectory dir = new ResultsDirectory(TinyRun.dir());
        Map<String, Map<String, double[]>> actual = new LinkedHashMap<>();
        for (String m : new String[] {"sgd", "ema", "fge", "swa"}) {
            RunRecord r = Json.read(dir.record(m, 1), RunRecord.class);
            Map<String, double[]> byBudget = new LinkedHashMap<>();
            for (BudgetResult b : r.results()) {
                byBudget.put(Double.toString(b.budget()), new double[] {b.accuracy(), b.nll(), b.ece()});
            }
            actual.put(m, byBudget);
        }
        if (Boolean.getBoolean("swa4j.updateGolden")) {
            Json.write(GOLDEN, actual);
        }
        assertTrue(Files.isRegularFile(GOLDEN), GOLDEN + " missing; generate it with -Dswa4j.updateGolden=true");
        Map<String, Map<String, double[]>> golden = Json.mapper().readValue(GOLDEN.toFile(), new TypeReference<>() { });
        assertEquals(golden.keySet(), actual.keySet());
        for (String m : golden.keySet()) {
            assertEquals(golden.get(m).keySet(), actual.get(m).keySet(), m);
            for (String b : golden.get(m).keySet()) {
                double[] g = golden.get(m).get(b);
                double[] a = actual.get(m).get(b);
                assertEquals(g[0], a[0], 1e-9, m + "@" + b + " accuracy");
                assertEquals(g[1], a[1], 1e-4, m + "@" + b + " NLL");
                assertEquals(g[2], a[2], 1e-3, m + "@" + b + " ECE");
            }
        }
    }
}
