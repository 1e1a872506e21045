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
 * method, budget in epochs and budget so that a report can print them beside its own numbers. The
 * budget in epochs is part of the match: a number trained for another number of epochs is not the
 * same experiment, and is not printed. SWA-Gaussian's published numbers (resource {@code paper/swag.csv},
 * one metric per row) are read by {@link #swag()}.
 */
public final class PaperNumbers {

    /**
     * One published number: {@code budgetEpochs} is the epochs of one budget (the SGD budget B; FGE's own
     * budget for FGE rows; {@code pretrained} for ImageNet), {@code budget} a multiple of it. {@code accStd}
     * is NaN where the source gives none.
     */
    public record Row(String dataset, String model, String budgetEpochs, String method, String budget, double accMean,
            double accStd, String source) {
    }

    /**
     * One published number of a named metric ({@code nll}; {@code accuracy} and {@code ece} in percent):
     * {@code method} is the paper's name (SGD, SWA, SWAG, SWAG-Diagonal); {@code std} is NaN where the source
     * gives none.
     */
    public record MetricRow(String dataset, String model, String budgetEpochs, String method, String budget, String metric,
            double mean, double std, String source) {
    }

    private final List<Row> rows;

    private PaperNumbers(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** The numbers shipped with swa4j. */
    public static PaperNumbers load() {
        List<Row> rows = new ArrayList<>();
        // both files: dataset,model,budget_epochs,method,budget,acc_mean,acc_std,source
        for (String resource : new String[] {"/paper/table1.csv", "/paper/fge_cifar100.csv"}) {
            for (String[] f : read(resource)) {
                rows.add(new Row(f[0], f[1], f[2], f[3], f[4], Double.parseDouble(f[5]), parse(f[6]), f[7]));
            }
        }
        return new PaperNumbers(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /**
     * The paper's number for swa4j method {@code method} (sgd, fge, swa; EMA is not in the paper) at
     * {@code budget} budgets of {@code budgetEpochs} epochs each, for the paper's {@code dataset} and
     * {@code model} names; empty where the paper has no such number.
     */
    public Optional<Row> find(String dataset, String model, String method, int budgetEpochs, String budget) {
        String paperMethod = switch (method) {
            case "sgd" -> "SGD";
            case "swa" -> "SWA";
            case "fge" -> "FGE";
            default -> null;
        };
        if (paperMethod == null) {
            return Optional.empty();
        }
        String epochs = Integer.toString(budgetEpochs);
        return rows.stream().filter(r -> r.dataset().equals(dataset) && r.model().equals(model)
                && r.method().equals(paperMethod) && r.budgetEpochs().equals(epochs) && r.budget().equals(budget)).findFirst();
    }

    /** SWA-Gaussian's published numbers ({@code paper/swag.csv}). */
    public static List<MetricRow> swag() {
        List<MetricRow> out = new ArrayList<>();
        // dataset,model,budget_epochs,method,budget,metric,mean,std,source
        for (String[] f : read("/paper/swag.csv")) {
            out.add(new MetricRow(f[0], f[1], f[2], f[3], f[4], f[5], Double.parseDouble(f[6]), parse(f[7]), f[8]));
        }
        return List.copyOf(out);
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
