package org.swa4j.experiments.shift;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.swa4j.experiments.results.AtomicFiles;

/**
 * The figures of {@code swa shift}, in the style of the report's ({@code report.Plots}: XChart, 720x420,
 * white): for each metric, its mean over seeds against severity, one line per method with its 95% interval
 * as error bars (none with one seed), severity 0 being the clean test set. {@code METRIC.png} averages over
 * the corruptions evaluated; {@code METRIC-by-corruption.png} holds one such chart per corruption, two per row.
 */
final class ShiftCharts {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;

    private ShiftCharts() {
    }

    /** Writes the figures into {@code dir}; returns the file names written. */
    static List<String> write(Path dir, List<ShiftSummary.Row> rows, List<String> methods, List<String> corruptions)
            throws IOException {
        List<String> written = new ArrayList<>();
        for (ShiftMetric metric : ShiftMetric.values()) {
            XYChart mean = chart(title(metric) + ": mean over corruptions and seeds", metric);
            addMethods(mean, rows, methods, ShiftSummary.MEAN, metric);
            String file = metric.file() + ".png";
            if (!mean.getSeriesMap().isEmpty()) {
                byte[] png = BitmapEncoder.getBitmapBytes(mean, BitmapEncoder.BitmapFormat.PNG);
                AtomicFiles.write(dir.resolve(file), out -> out.write(png));
                written.add(file);
            }
            List<XYChart> panels = new ArrayList<>();
            for (String c : corruptions) {
                XYChart panel = chart(title(metric) + ": " + c, metric);
                addMethods(panel, rows, methods, c, metric);
                if (!panel.getSeriesMap().isEmpty()) {
                    panels.add(panel);
                }
            }
            if (!panels.isEmpty()) {
                String grid = metric.file() + "-by-corruption.png";
                writeGrid(dir.resolve(grid), panels);
                written.add(grid);
            }
        }
        return written;
    }

    static String label(String method) {
        return switch (method) {
            case "fge" -> "FGE (ensemble)";
            case "ema" -> "EMA (average)";
            case "swa" -> "SWA (average)";
            case "swag" -> "SWAG (Bayesian average)";
            case "multiswag" -> "MultiSWAG";
            default -> method.toUpperCase(Locale.ROOT);
        };
    }

    private static String title(ShiftMetric metric) {
        return switch (metric) {
            case ACCURACY -> "Accuracy";
            case NLL -> "NLL";
            case ECE -> "ECE";
        };
    }

    private static XYChart chart(String title, ShiftMetric metric) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("severity (0 = clean test set)")
                .yAxisTitle(metric.axis()).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(5);
        return c;
    }

    /** One series per method: the clean row at 0, then the rows of {@code corruption} at severities 1..5. */
    private static void addMethods(XYChart chart, List<ShiftSummary.Row> rows, List<String> methods, String corruption,
            ShiftMetric metric) {
        double width = 0.12;
        for (int k = 0; k < methods.size(); k++) {
            String method = methods.get(k);
            List<ShiftSummary.Row> line = new ArrayList<>();
            rows.stream().filter(r -> r.method().equals(method) && r.severity() == 0).forEach(line::add);
            rows.stream().filter(r -> r.method().equals(method) && r.corruption().equals(corruption) && r.severity() > 0)
                    .forEach(line::add);
            if (line.size() < 2) {
                continue;
            }
            double offset = methods.size() < 2 ? 0 : (k - (methods.size() - 1) / 2.0) * width / (methods.size() - 1);
            double[] x = line.stream().mapToDouble(r -> r.severity() + offset).toArray();
            double[] y = line.stream().mapToDouble(r -> r.mean(metric)).toArray();
            double[] e = line.stream().mapToDouble(r -> {
                double high = r.interval(metric)[1];
                return Double.isFinite(high) ? high - r.mean(metric) : 0;
            }).toArray();
            XYSeries s = chart.addSeries(label(method), x, y, e);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
    }

    private static void writeGrid(Path file, List<XYChart> panels) throws IOException {
        int columns = Math.min(2, panels.size());
        int rows = (panels.size() + columns - 1) / columns;
        BufferedImage grid = new BufferedImage(columns * WIDTH, rows * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), (i % columns) * WIDTH, (i / columns) * HEIGHT, null);
        }
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(grid, "png", out));
    }
}
