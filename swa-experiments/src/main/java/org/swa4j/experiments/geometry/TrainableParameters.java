package org.swa4j.experiments.geometry;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.swa4j.core.FusedBatchNorm;
import org.swa4j.core.ParamLayout;

/**
 * The trainable part of a network's flat parameter vector: every parameter of {@code params()}
 * except the BatchNorm running statistics ({@code mean}, {@code var}, {@code log10stdev} of a
 * {@link BatchNormalization} layer, {@code mean}/{@code var} of a {@link FusedBatchNorm} layer), as
 * swa-core's {@link ParamLayout} tells them apart for averaging.
 *
 * <p>A weight vector here is a 1-D float array of {@link #length()} elements: the trainable
 * segments of {@code params()} concatenated in the network's own parameter order. Geometry moves
 * only these along lines and directions; the BN statistics are recomputed for each point (paper,
 * Section 4.1), never interpolated.
 *
 * <p>Rejects networks that are neither a {@link MultiLayerNetwork} nor a {@link ComputationGraph},
 * and (in {@link #read}/{@link #write}) networks or vectors whose layout differs from this one.
 */
public final class TrainableParameters {

    /** One trainable parameter: its layer, key, shape and place in {@code params()} and in the vector. */
    public record Segment(String layer, String key, long[] shape, char ordering,
                          long flatOffset, long vectorOffset, long length) {
        /** {@code layer/key}, for messages. */
        public String name() {
            return layer + "/" + key;
        }
    }

    private final List<Segment> segments;
    private final long length;
    private final long flatLength;
    private final boolean hasBatchNorm;

    private TrainableParameters(List<Segment> segments, long flatLength, boolean hasBatchNorm) {
        this.segments = List.copyOf(segments);
        this.length = segments.stream().mapToLong(Segment::length).sum();
        this.flatLength = flatLength;
        this.hasBatchNorm = hasBatchNorm;
    }

    /** The layout of {@code net}'s trainable parameters: swa-core's {@link ParamLayout} without the statistics. */
    public static TrainableParameters of(Model net) {
        ParamLayout layout = ParamLayout.of(net);
        Layer[] layers = layersOf(net);
        List<Segment> segments = new ArrayList<>();
        long vectorOffset = 0;
        for (ParamLayout.Range r : layout.ranges()) {
            if (r.isStatistic()) {
                continue;
            }
            char ordering = layers[r.layerIndex()].getParam(r.key()).ordering();
            segments.add(new Segment(r.layer(), r.key(), r.shape(), ordering, r.offset(), vectorOffset, r.length()));
            vectorOffset += r.length();
        }
        return new TrainableParameters(segments, layout.numParams(), !layout.statistics().isEmpty());
    }

    static Layer[] layersOf(Model net) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.getLayers();
        }
        if (net instanceof ComputationGraph cg) {
            return cg.getLayers();
        }
        throw new IllegalArgumentException("network must be a MultiLayerNetwork or ComputationGraph, got "
                + (net == null ? "null" : net.getClass().getName()));
    }

    /** The trainable parameters, in vector order. */
    public List<Segment> segments() {
        return segments;
    }

    /** Number of trainable parameters (the length of a weight vector). */
    public long length() {
        return length;
    }

    /** Whether the network has BatchNorm layers whose statistics must be recomputed at each point. */
    public boolean hasBatchNorm() {
        return hasBatchNorm;
    }

    /** A new float vector holding {@code net}'s trainable parameters. */
    public INDArray read(Model net) {
        INDArray flat = flatView(net);
        INDArray vector = Nd4j.create(DataType.FLOAT, length);
        for (Segment s : segments) {
            vector.get(NDArrayIndex.interval(s.vectorOffset(), s.vectorOffset() + s.length()))
                    .assign(flat.get(NDArrayIndex.interval(s.flatOffset(), s.flatOffset() + s.length())));
        }
        return vector;
    }

    /** Copies {@code vector} into {@code net}'s trainable parameters; BN statistics are left as they are. */
    public void write(INDArray vector, Model net) {
        requireVector(vector, "vector");
        INDArray flat = flatView(net);
        for (Segment s : segments) {
            flat.get(NDArrayIndex.interval(s.flatOffset(), s.flatOffset() + s.length()))
                    .assign(vector.get(NDArrayIndex.interval(s.vectorOffset(), s.vectorOffset() + s.length())));
        }
    }

    /** The part of {@code vector} that belongs to {@code segment} (a view, flat in the parameter's ordering). */
    public INDArray slice(INDArray vector, Segment segment) {
        return vector.get(NDArrayIndex.interval(segment.vectorOffset(), segment.vectorOffset() + segment.length()));
    }

    /** Throws unless {@code vector} is a 1-D array of this layout's length. */
    public void requireVector(INDArray vector, String what) {
        if (vector == null || vector.rank() != 1 || vector.length() != length) {
            throw new IllegalArgumentException(what + " must be a 1-D weight vector of " + length
                    + " trainable parameters, got " + (vector == null ? "null" : java.util.Arrays.toString(vector.shape())));
        }
    }

    /**
     * The first difference between this layout and {@code other}'s (parameter count, names, shapes),
     * or {@code null} when they are the same.
     */
    public String mismatch(TrainableParameters other) {
        if (segments.size() != other.segments.size()) {
            return other.segments.size() + " trainable parameter arrays instead of " + segments.size();
        }
        for (int i = 0; i < segments.size(); i++) {
            Segment a = segments.get(i);
            Segment b = other.segments.get(i);
            if (!a.name().equals(b.name())) {
                return "parameter " + i + " is " + b.name() + " instead of " + a.name();
            }
            if (!java.util.Arrays.equals(a.shape(), b.shape()) || a.flatOffset() != b.flatOffset()) {
                return "parameter " + a.name() + " has shape " + java.util.Arrays.toString(b.shape())
                        + " at offset " + b.flatOffset() + " instead of " + java.util.Arrays.toString(a.shape())
                        + " at offset " + a.flatOffset();
            }
        }
        if (flatLength != other.flatLength) {
            return "it has " + other.flatLength + " parameters including BN statistics, not " + flatLength;
        }
        return null;
    }

    private INDArray flatView(Model net) {
        INDArray flat = net.params();
        if (flat.length() != flatLength) {
            throw new IllegalArgumentException("network has " + flat.length()
                    + " parameters, this layout expects " + flatLength);
        }
        return flat.reshape(flat.length());
    }
}
