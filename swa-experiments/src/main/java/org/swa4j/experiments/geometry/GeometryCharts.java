package org.swa4j.experiments.geometry;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.swa4j.experiments.results.AtomicFiles;

/** The line and width figures as PNG files (XChart), in the style of the paper's Figures 4 and 5. */
public final class GeometryCharts {

    private static final Color[] CENTRE_COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

    private GeometryCharts() {
    }

    /** {@code metric} along the line against t, with the SGD (t = 0) and SWA (t = 1) points marked. */
    public static void line(Path file, String title, String yName, List<LineScan.Point> points,
                            ToDoubleFunction<PointMetrics> metric) throws IOException {
        XYChart chart = chart(title, "t   (w = w_SGD + t (w_SWA - w_SGD))", yName);
        double[] t = points.stream().mapToDouble(LineScan.Point::t).toArray();
        double[] y = points.stream().mapToDouble(p -> metric.applyAsDouble(p.metrics())).toArray();
        XYSeries s = chart.addSeries(yName, t, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(CENTRE_COLOURS[0]);
        s.setMarkerColor(CENTRE_COLOURS[0]);
        for (int k = 0; k < 2; k++) {
            double at = k;
            points.stream().filter(p -> p.t() == at).findFirst().ifPresent(p -> {
                XYSeries mark = chart.addSeries(at == 0 ? "SGD (t = 0)" : "SWA (t = 1)", new double[] {at},
                        new double[] {metric.applyAsDouble(p.metrics())});
                mark.setMarker(SeriesMarkers.DIAMOND);
                mark.setMarkerColor(CENTRE_COLOURS[at == 0 ? 1 : 2]);
            });
        }
        save(chart, file);
    }

    /** {@code metric} against distance along every direction, one colour per centre (e.g. SWA, SGD). */
    public static void width(Path file, String title, String yName, Map<String, WidthScan.Result> byCentre,
                             ToDoubleFunction<PointMetrics> metric) throws IOException {
        XYChart chart = chart(title, "distance along the random direction", yName);
        int c = 0;
        for (Map.Entry<String, WidthScan.Result> e : byCentre.entrySet()) {
            WidthScan.Result r = e.getValue();
            Color colour = CENTRE_COLOURS[c++ % CENTRE_COLOURS.length];
            int directions = r.widths().size();
            for (int d = 0; d < directions; d++) {
                int dir = d;
                List<WidthScan.Point> pts = r.points().stream().filter(p -> p.direction() == dir).toList();
                double[] x = new double[pts.size() + 1];
                double[] y = new double[pts.size() + 1];
                y[0] = metric.applyAsDouble(r.centre());
                for (int k = 0; k < pts.size(); k++) {
                    x[k + 1] = pts.get(k).distance();
                    y[k + 1] = metric.applyAsDouble(pts.get(k).metrics());
                }
                XYSeries s = chart.addSeries(dir == 0 ? e.getKey() : e.getKey() + " #" + dir, x, y);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(colour);
                s.setShowInLegend(dir == 0);
            }
        }
        save(chart, file);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(6);
        return c;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
    }
}
