package org.swa4j.experiments.geometry;

import java.util.Set;

/**
 * What a geometry analysis evaluates.
 *
 * @param analyses   subset of {@code line, width, plane, distances}
 * @param lineFrom   first t of the line (paper: -1)
 * @param lineTo     last t of the line (paper: 2)
 * @param lineStep   step of t
 * @param directions random directions per centre (paper Figure 4: 10)
 * @param radius     largest distance along a direction
 * @param radiusStep step of the distance
 * @param margin     test-error rise (percentage points) that ends the width
 * @param kind       unit-sphere or filter-normalised directions
 * @param seed       seed of the directions
 * @param planeGrid  grid points per plane axis
 * @param planeMargin widening of the plane's bounding box on each side, as a fraction
 * @param trainMetrics whether train loss/error are evaluated (one more pass over the training data per point)
 */
public record GeometrySettings(Set<String> analyses, double lineFrom, double lineTo, double lineStep,
                               int directions, double radius, double radiusStep, double margin,
                               RandomDirections.Kind kind, long seed, int planeGrid, double planeMargin,
                               boolean trainMetrics) {

    /** The analyses there are. */
    public static final Set<String> ANALYSES = Set.of("line", "width", "plane", "distances");

    public GeometrySettings {
        for (String a : analyses) {
            if (!ANALYSES.contains(a)) {
                throw new IllegalArgumentException("unknown analysis '" + a + "'; known: line, width, plane, distances");
            }
        }
        LineScan.grid(lineFrom, lineTo, lineStep);
        if (analyses.contains("width")) {
            WidthScan.pointCount(directions, radius, radiusStep);
            if (directions < 1) {
                throw new IllegalArgumentException("--directions must be >= 1, got " + directions);
            }
            if (!(margin >= 0)) {
                throw new IllegalArgumentException("--margin must be >= 0 percentage points, got " + margin);
            }
        }
        if (planeGrid < 2 || planeGrid > 200) {
            throw new IllegalArgumentException("--plane-grid must be in [2, 200], got " + planeGrid);
        }
        if (!(planeMargin >= 0)) {
            throw new IllegalArgumentException("--plane-margin must be >= 0, got " + planeMargin);
        }
    }

    /** Number of points (BN updates + evaluations) the chosen analyses cost per seed, given whether there is a plane. */
    public int pointCount(boolean hasPlane) {
        int n = 0;
        if (analyses.contains("line")) {
            n += LineScan.grid(lineFrom, lineTo, lineStep).length;
        }
        if (analyses.contains("width")) {
            n += 2 * WidthScan.pointCount(directions, radius, radiusStep);
        }
        if (analyses.contains("plane") && hasPlane) {
            n += planeGrid * planeGrid;
        }
        return Math.max(1, n);
    }
}
