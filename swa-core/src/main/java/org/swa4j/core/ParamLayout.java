package org.swa4j.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Where each parameter of a network lives inside its flat {@code params()} vector, and which of
 * those ranges are BatchNorm running statistics rather than trainable weights.
 *
 * <p>A layer's running statistics are the parameters {@code mean}, {@code var} and
 * {@code log10stdev} of a layer whose configuration is a DL4J {@code BatchNormalization} (or a
 * subclass), or whose runtime layer implements {@link FusedBatchNorm}.
 *
 * <p>Public for code that moves a network's trainable weights apart from its statistics (the
 * geometry of the experiments); {@link AveragedModel}, {@link Swag} and {@link BatchNormUpdate} use it
 * the same way.
 */
public final class ParamLayout {

    /** Kind of a statistics range. */
    public enum StatKind { MEAN, VAR, LOG10_STD }

    /**
     * One contiguous range {@code [offset, offset + length)} of the flat parameter vector, named
     * {@code INDEX:LAYER/KEY} (the layer's index among the network's layers, its name, empty when it
     * has none, and the parameter key); {@code stat} is null for a trainable parameter.
     */
    public record Range(String name, long offset, long length, long[] shape, StatKind stat) {
        public boolean isStatistic() {
            return stat != null;
        }

        /** The parameter key ({@code W}, {@code b}, {@code gamma}, {@code mean}, ...). */
        public String key() {
            return name.substring(name.lastIndexOf('/') + 1);
        }

        /** The layer's index among the network's layers ({@code getLayers()}). */
        public int layerIndex() {
            return Integer.parseInt(name.substring(0, name.indexOf(':')));
        }

        /** The layer's name, or its index when it has none. */
        public String layer() {
            String layer = name.substring(0, name.lastIndexOf('/'));
            int colon = layer.indexOf(':');
            return colon == layer.length() - 1 ? layer.substring(0, colon) : layer.substring(colon + 1);
        }
    }

    private final String kind;
    private final long numParams;
    private final List<Range> ranges;

    private ParamLayout(String kind, long numParams, List<Range> ranges) {
        this.kind = kind;
        this.numParams = numParams;
        this.ranges = ranges;
    }

    /** Reads the layout of a MultiLayerNetwork or ComputationGraph; rejects other models. */
    public static ParamLayout of(Model net) {
        Layer[] layers;
        String kind;
        if (net instanceof MultiLayerNetwork mln) {
            layers = mln.getLayers();
            kind = "MultiLayerNetwork";
        } else if (net instanceof ComputationGraph cg) {
            layers = cg.getLayers();
            kind = "ComputationGraph";
        } else {
            throw new IllegalArgumentException("net must be a MultiLayerNetwork or ComputationGraph, got "
                    + (net == null ? "null" : net.getClass().getName()));
        }
        if (layers == null) {
            throw new IllegalArgumentException(kind + " is not initialised (call init() first)");
        }
        INDArray flat = net.params();
        long base = flat == null ? 0 : flat.offset();
        long n = flat == null ? 0 : flat.length();
        List<Range> ranges = new ArrayList<>();
        long covered = 0;
        for (int i = 0; i < layers.length; i++) {
            Layer layer = layers[i];
            boolean bn = isBatchNorm(layer);
            String layerName = layer.conf().getLayer().getLayerName();
            String prefix = i + ":" + (layerName == null ? "" : layerName) + "/";
            for (Map.Entry<String, INDArray> e : layer.paramTable(false).entrySet()) {
                INDArray view = e.getValue();
                long offset = view.offset() - base;
                if (offset < 0 || offset + view.length() > n || view.data().address() != flat.data().address()) {
                    throw new IllegalStateException("parameter " + prefix + e.getKey()
                            + " is not a view of the network's flat params()");
                }
                StatKind stat = bn ? statKind(e.getKey()) : null;
                ranges.add(new Range(prefix + e.getKey(), offset, view.length(), view.shape(), stat));
                covered += view.length();
            }
        }
        if (covered != n) {
            throw new IllegalStateException("layer parameters cover " + covered + " of " + n
                    + " entries of params(); cannot map the flat vector");
        }
        ranges.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        return new ParamLayout(kind, n, List.copyOf(ranges));
    }

    /** True for a layer whose running statistics live among its parameters. */
    static boolean isBatchNorm(Layer layer) {
        return layer instanceof FusedBatchNorm
                || layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization;
    }

    private static StatKind statKind(String key) {
        return switch (key) {
            case "mean" -> StatKind.MEAN;
            case "var" -> StatKind.VAR;
            case "log10stdev" -> StatKind.LOG10_STD;
            default -> null;
        };
    }

    /** Length of the flat parameter vector, statistics included. */
    public long numParams() {
        return numParams;
    }

    /** Every parameter, in the order of the flat vector. */
    public List<Range> ranges() {
        return ranges;
    }

    /** The BatchNorm running statistics, in the order of the flat vector. */
    public List<Range> statistics() {
        return ranges.stream().filter(Range::isStatistic).toList();
    }

    /**
     * Throws IllegalArgumentException naming the first difference when {@code other} does not have
     * this layout (network kind, parameter count, and every parameter's name, shape and position).
     */
    void requireSame(ParamLayout other) {
        if (!kind.equals(other.kind)) {
            throw new IllegalArgumentException("network is a " + other.kind + " but the averaged one is a " + kind);
        }
        if (numParams != other.numParams) {
            throw new IllegalArgumentException("network has " + other.numParams
                    + " parameters but the averaged one has " + numParams);
        }
        if (ranges.size() != other.ranges.size()) {
            throw new IllegalArgumentException("network has " + other.ranges.size()
                    + " parameter arrays but the averaged one has " + ranges.size());
        }
        for (int i = 0; i < ranges.size(); i++) {
            Range a = ranges.get(i);
            Range b = other.ranges.get(i);
            if (a.offset() != b.offset() || !Arrays.equals(a.shape(), b.shape()) || a.stat() != b.stat()) {
                throw new IllegalArgumentException("network parameter " + b.name() + " " + Arrays.toString(b.shape())
                        + " at offset " + b.offset() + " differs from the averaged " + a.name() + " "
                        + Arrays.toString(a.shape()) + " at offset " + a.offset());
            }
        }
    }

    /**
     * Names the first parameter of {@code flat} (a network's {@code params()} of this layout) holding
     * NaN or infinity, with the value and its index in that parameter, for the message of a refusal.
     */
    String describeNonFinite(INDArray flat) {
        INDArray vector = flat.reshape(flat.length());
        for (Range r : ranges) {
            INDArray view = vector.get(NDArrayIndex.interval(r.offset(), r.offset() + r.length()));
            if (!Double.isFinite(view.sumNumber().doubleValue())) {
                double[] values = view.toDoubleVector();
                for (int j = 0; j < values.length; j++) {
                    if (!Double.isFinite(values[j])) {
                        return "network parameter " + r.name() + " has non-finite value " + values[j] + " at index " + j;
                    }
                }
            }
        }
        return "network parameters sum to a non-finite value " + flat.sumNumber();
    }

    /** A compact text form of the layout, stored with a saved averaging state. */
    String describe() {
        StringBuilder sb = new StringBuilder(kind).append(';').append(numParams);
        for (Range r : ranges) {
            sb.append(';').append(r.offset()).append(Arrays.toString(r.shape())).append(r.stat() == null ? "" : r.stat());
        }
        return sb.toString();
    }
}
