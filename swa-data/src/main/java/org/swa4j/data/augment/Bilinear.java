package org.swa4j.data.augment;

import org.swa4j.data.image.RawImage;

/**
 * Bilinear resampling with half-pixel centres (PyTorch {@code align_corners=False}): output pixel
 * {@code (oy, ox)} samples the source at {@code y = originY + (oy + 0.5) * scaleY - 0.5} (likewise x),
 * clamped to the rows {@code [minY, maxY]} and columns {@code [minX, maxX]}, and interpolates the four
 * neighbours. Unlike PIL it does not low-pass filter when shrinking.
 */
final class Bilinear {
    private Bilinear() {
    }

    static void resample(RawImage in, double originY, double scaleY, int minY, int maxY,
                         double originX, double scaleX, int minX, int maxX,
                         int outH, int outW, boolean flip, float[] out, int offset) {
        int w = in.width();
        int h = in.height();
        byte[] px = in.pixels();
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] fx = new float[outW];
        for (int ox = 0; ox < outW; ox++) {
            double sx = Math.min(Math.max(originX + (ox + 0.5) * scaleX - 0.5, minX), maxX);
            int target = flip ? outW - 1 - ox : ox;
            x0[target] = (int) Math.floor(sx);
            x1[target] = Math.min(x0[target] + 1, maxX);
            fx[target] = (float) (sx - x0[target]);
        }
        int o = offset;
        for (int c = 0; c < in.channels(); c++) {
            int plane = c * h * w;
            for (int oy = 0; oy < outH; oy++) {
                double sy = Math.min(Math.max(originY + (oy + 0.5) * scaleY - 0.5, minY), maxY);
                int y0 = (int) Math.floor(sy);
                int y1 = Math.min(y0 + 1, maxY);
                float fy = (float) (sy - y0);
                int r0 = plane + y0 * w;
                int r1 = plane + y1 * w;
                for (int ox = 0; ox < outW; ox++) {
                    float top = (px[r0 + x0[ox]] & 0xFF) * (1 - fx[ox]) + (px[r0 + x1[ox]] & 0xFF) * fx[ox];
                    float bottom = (px[r1 + x0[ox]] & 0xFF) * (1 - fx[ox]) + (px[r1 + x1[ox]] & 0xFF) * fx[ox];
                    out[o++] = top * (1 - fy) + bottom * fy;
                }
            }
        }
    }
}
