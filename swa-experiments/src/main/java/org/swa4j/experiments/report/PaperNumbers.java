package org.swa4j.experiments.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The paper's published accuracies (resources {@code paper/table1.csv} and
 * {@code paper/fge_cifar100.csv}, sources in {@code paper/SOURCE.md}), looked up by data set, model,
 * method and budget so that a report can print them beside its own numbers.
 */
public final class PaperNumbers {

    /** One published number. {@code accStd} is NaN where the source gives none. */
    public record Row(String dataset, String model, String method, String budget, double accMean, double accStd,
            String source) {
    }

    private final List<Row> rows;

    private PaperNumbers(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** The numbers shipped with swa4j. */
    public static PaperNumbers load() {
        List<Row> rows = new ArrayList<>();
        // table1.csv: dataset,model,budget_epochs,method,budget,acc_mean,acc_std,source
        for (String[] f : read("/paper/table1.csv")) {
            rows.add(new Row(f[0], f[1], f[3], f[4], Double.parseDouble(f[5]), parse(f[6]), f[7]));
        }
        // fge_cifar100.csv: dataset,model,method,budget,acc_mean,acc_std,source
        for (String[] f : read("/paper/fge_cifar100.csv")) {
            rows.add(new Row(f[0], f[1], f[2], f[3], Double.parseDouble(f[4]), parse(f[5]), f[6]));
        }
        return new PaperNumbers(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /**
     * The paper's number for swa4j method {@code method} (sgd, fge, swa; EMA is not in the paper)
     * at {@code budget}, for the paper's {@code dataset} and {@code model} names.
     */
    public Optional<Row> find(String dataset, String model, String method, String budget) {
        String paperMethod = switch (method) {
            case "sgd" -> "SGD";
            case "swa" -> "SWA";
            case "fge" -> "FGE";
            default -> null;
        };
        if (paperMethod == null) {
            return Optional.empty();
        }
        return rows.stream().filter(r -> r.dataset().equals(dataset) && r.model().equals(model)
                && r.method().equals(paperMethod) && r.budget().equals(budget)).findFirst();
    }

    private static double parse(String s) {
        return s.isBlank() ? Double.NaN : Double.parseDouble(s);
    }

    private static List<String[]> read(String resource) {
        try (InputStream in = PaperNumbers.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the classpath");
            }
            List<String[]> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine();
            for (String line; (line = r.readLine()) != null;) {
                if (!line.isBlank()) {
                    out.add(line.split(",", -1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
