package org.swa4j.experiments.geometry;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.swa4j.experiments.results.AtomicFiles;

/**
 * A filled contour plot (Java2D, headless) of values {@code z[i][j]} on a grid
 * {@code (xs[i], ys[j])}: each pixel is coloured by bilinear interpolation on a blue-to-yellow
 * scale, iso-lines are drawn by marching squares at {@code levels} evenly spaced values, and
 * labelled points are marked. Rejects grids smaller than 2 x 2 and shapes that do not match.
 */
public final class ContourChart {

    private static final int PLOT = 480;
    private static final int LEFT = 70;
    private static final int TOP = 40;
    private static final int BAR = 90;
    private static final int BOTTOM = 50;

    private ContourChart() {
    }

    /** A labelled point in plot coordinates. */
    public record Marker(String label, double x, double y) {
    }

    public static void write(Path file, String title, String valueName, double[] xs, double[] ys, double[][] z,
                             int levels, Marker... markers) throws IOException {
        if (xs.length < 2 || ys.length < 2 || z.length != xs.length || z[0].length != ys.length) {
            throw new IllegalArgumentException("contour grid must be at least 2 x 2 and z must be [xs.length][ys.length]");
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        BufferedImage image = new BufferedImage(LEFT + PLOT + BAR, TOP + PLOT + BOTTOM, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        double x0 = xs[0];
        double x1 = xs[xs.length - 1];
        double y0 = ys[0];
        double y1 = ys[ys.length - 1];
        for (int px = 0; px < PLOT; px++) {
            double fx = (double) px / (PLOT - 1) * (xs.length - 1);
            for (int py = 0; py < PLOT; py++) {
                double fy = (double) (PLOT - 1 - py) / (PLOT - 1) * (ys.length - 1);
                double v = bilinear(z, fx, fy);
                image.setRGB(LEFT + px, TOP + py, colour((v - lo) / (hi - lo)).getRGB());
            }
        }
        g.setColor(new Color(0, 0, 0, 150));
        g.setStroke(new BasicStroke(1f));
        for (int l = 1; l < levels; l++) {
            double level = lo + (hi - lo) * l / levels;
            for (int i = 0; i + 1 < xs.length; i++) {
                for (int j = 0; j + 1 < ys.length; j++) {
                    isoSegment(g, z, i, j, level, xs.length, ys.length);
                }
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        for (Marker m : markers) {
            int px = LEFT + (int) Math.round((m.x() - x0) / (x1 - x0) * (PLOT - 1));
            int py = TOP + (int) Math.round((1 - (m.y() - y0) / (y1 - y0)) * (PLOT - 1));
            g.setColor(Color.WHITE);
            g.fillOval(px - 6, py - 6, 12, 12);
            g.setColor(Color.BLACK);
            g.drawOval(px - 6, py - 6, 12, 12);
            g.drawString(m.label(), px + 8, py - 8);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, PLOT - 1, PLOT - 1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int k = 0; k <= 4; k++) {
            double vx = x0 + (x1 - x0) * k / 4;
            double vy = y0 + (y1 - y0) * k / 4;
            int px = LEFT + (PLOT - 1) * k / 4;
            int py = TOP + PLOT - 1 - (PLOT - 1) * k / 4;
            g.drawString(String.format(Locale.ROOT, "%.3g", vx), px - 12, TOP + PLOT + 16);
            g.drawString(String.format(Locale.ROOT, "%.3g", vy), 20, py + 4);
        }
        g.drawString("u (along point 1 -> point 2)", LEFT + PLOT / 2 - 80, TOP + PLOT + 38);
        java.awt.geom.AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString("v (towards point 3)", -(TOP + PLOT / 2 + 50), 14);
        g.setTransform(saved);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 24);
        for (int py = 0; py < PLOT; py++) {
            double f = 1 - (double) py / (PLOT - 1);
            g.setColor(colour(f));
            g.drawLine(LEFT + PLOT + 20, TOP + py, LEFT + PLOT + 35, TOP + py);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(String.format(Locale.ROOT, "%.3g", hi), LEFT + PLOT + 38, TOP + 10);
        g.drawString(String.format(Locale.ROOT, "%.3g", lo), LEFT + PLOT + 38, TOP + PLOT);
        g.drawString(valueName, LEFT + PLOT + 14, TOP + PLOT + 20);
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(image, "png", out));
    }

    static double bilinear(double[][] z, double fx, double fy) {
        int i = Math.min((int) Math.floor(fx), z.length - 2);
        int j = Math.min((int) Math.floor(fy), z[0].length - 2);
        double a = fx - i;
        double b = fy - j;
        return (1 - a) * (1 - b) * z[i][j] + a * (1 - b) * z[i + 1][j] + (1 - a) * b * z[i][j + 1] + a * b * z[i + 1][j + 1];
    }

    /** Blue (0) through green to yellow (1). */
    static Color colour(double f) {
        f = Math.max(0, Math.min(1, Double.isNaN(f) ? 1 : f));
        float r = (float) Math.min(1, Math.max(0, 1.8 * f - 0.6));
        float gr = (float) Math.min(1, Math.max(0, 0.15 + 0.85 * f));
        float bl = (float) Math.min(1, Math.max(0, 0.55 - 0.5 * f + 0.3 * (1 - Math.abs(2 * f - 1))));
        return new Color(r, gr, bl);
    }

    /** Marching squares in cell (i, j): the segment(s) where the bilinear surface crosses {@code level}. */
    private static void isoSegment(Graphics2D g, double[][] z, int i, int j, double level, int nx, int ny) {
        double[] c = {z[i][j], z[i + 1][j], z[i + 1][j + 1], z[i][j + 1]};
        double[][] corners = {{i, j}, {i + 1, j}, {i + 1, j + 1}, {i, j + 1}};
        double[][] crossings = new double[4][];
        int n = 0;
        for (int e = 0; e < 4; e++) {
            double va = c[e];
            double vb = c[(e + 1) % 4];
            if ((va < level) != (vb < level)) {
                double t = (level - va) / (vb - va);
                double[] pa = corners[e];
                double[] pb = corners[(e + 1) % 4];
                crossings[n++] = new double[] {pa[0] + t * (pb[0] - pa[0]), pa[1] + t * (pb[1] - pa[1])};
            }
        }
        for (int k = 0; k + 1 < n; k += 2) {
            g.draw(new Line2D.Double(toPx(crossings[k][0], nx), toPy(crossings[k][1], ny),
                    toPx(crossings[k + 1][0], nx), toPy(crossings[k + 1][1], ny)));
        }
    }

    private static double toPx(double gi, int nx) {
        return LEFT + gi / (nx - 1) * (PLOT - 1);
    }

    private static double toPy(double gj, int ny) {
        return TOP + (1 - gj / (ny - 1)) * (PLOT - 1);
    }
}
