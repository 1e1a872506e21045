package org.swa4j.experiments.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PlaneTest {

    private static INDArray vector(double... values) {
        return Nd4j.createFromArray(values).castTo(DataType.FLOAT);
    }

    @Test
    void coordinatesReproduceTheThreePoints() {
        INDArray w1 = RandomDirections.gaussian(1000, 1);
        INDArray w2 = RandomDirections.gaussian(1000, 2);
        INDArray w3 = RandomDirections.gaussian(1000, 3);
        Plane plane = Plane.through(w1, w2, w3);
        double[][] c = plane.coordinates();
        INDArray[] points = {w1, w2, w3};
        INDArray out = plane.newPoint();
        for (int i = 0; i < 3; i++) {
            plane.point(c[i][0], c[i][1], out);
            double maxDiff = out.sub(points[i]).amaxNumber().doubleValue();
            assertEquals(0, maxDiff, 1e-4, "point " + (i + 1));
            double[] projected = plane.project(points[i]);
            assertEquals(c[i][0], projected[0], 1e-3);
            assertEquals(c[i][1], projected[1], 1e-3);
        }
    }

    @Test
    void coordinatesOfARightTriangleAreItsSideLengths() {
        // w1 = 0, w2 = 3 e1, w3 = 1 e1 + 2 e2: coordinates (0,0), (3,0), (1,2)
        Plane plane = Plane.through(vector(0, 0, 0), vector(3, 0, 0), vector(1, 2, 0));
        double[][] c = plane.coordinates();
        assertEquals(0, c[0][0], 0);
        assertEquals(3, c[1][0], 1e-6);
        assertEquals(0, c[1][1], 0);
        assertEquals(1, c[2][0], 1e-6);
        assertEquals(2, c[2][1], 1e-6);
        INDArray p = plane.point(0.5, 1.5, plane.newPoint());
        assertEquals(0.5, p.getDouble(0), 1e-6);
        assertEquals(1.5, p.getDouble(1), 1e-6);
        assertEquals(0, p.getDouble(2), 1e-6);
    }

    @Test
    void collinearPointsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Plane.through(vector(0, 0), vector(1, 1), vector(2, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> Plane.through(vector(1, 1), vector(1, 1), vector(2, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> Plane.through(vector(1, 1), vector(1, 1, 1), vector(2, 0)));
    }

    @Test
    void gridSpansThePointsWithAMargin() {
        double[] axis = PlaneScan.axis(0, 3, 1, 5, 0.25);
        assertEquals(-0.75, axis[0], 1e-12);
        assertEquals(3.75, axis[4], 1e-12);
        assertEquals(1.5, axis[2], 1e-12);
    }
}
