package org.swa4j.experiments.bench;

import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.swa4j.models.layers.fast.Convolutions;

/**
 * One float convolution, forward and forward + backward, computed by oneDNN called directly
 * ({@code engine = onednn}, swa4j's default) or by libnd4j's {@code conv2d}/{@code conv2d_bp} ops
 * ({@code engine = libnd4j}, the baseline). JMH runs every parameter combination in its own JVM, and
 * the engine is chosen once per JVM ({@code -Dswa4j.dnnl}), so the set-up sets the property before
 * the first convolution and checks which engine it got. {@code layout}: activations NCHW (oneDNN
 * reorders them to its blocked layout and back inside each call) or NHWC (channels last, as the fused
 * factory's graphs run; no reorders).
 *
 * <p>Shapes ({@code @Param shape}, {@code NxCxHxWxOUTxKERNELxSTRIDE}, padding {@code kernel / 2}): the
 * convolutions of PreResNet-20 and cnn32 at batch 128.
 *
 * <pre>
 *   bin/swa jmh ConvolutionBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Djavacpp.platform.extension=-onednn-avx2")
public class ConvolutionBenchmark {

    @Param({"onednn", "libnd4j"})
    public String engine;

    @Param({"nchw", "nhwc"})
    public String layout;

    @Param({"128x16x32x32x16x3x1", "128x16x32x32x32x1x2", "128x32x16x16x32x3x1", "128x64x8x8x64x3x1",
        "128x32x28x28x32x3x1", "128x128x7x7x128x3x1"})
    public String shape;

    private INDArray x;
    private INDArray w;
    private INDArray y;
    private INDArray dy;
    private INDArray dx;
    private INDArray dw;
    private int kernel;
    private int stride;
    private CNN2DFormat format;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("swa4j.dnnl", String.valueOf(engine.equals("onednn")));
        String actual = Convolutions.engine();
        if (actual.startsWith("oneDNN") != engine.equals("onednn")) {
            throw new IllegalStateException("asked for " + engine + ", got " + actual);
        }
        String[] p = shape.split("x");
        long n = Long.parseLong(p[0]);
        long c = Long.parseLong(p[1]);
        long h = Long.parseLong(p[2]);
        long wd = Long.parseLong(p[3]);
        long out = Long.parseLong(p[4]);
        kernel = Integer.parseInt(p[5]);
        stride = Integer.parseInt(p[6]);
        Nd4j.getRandom().setSeed(1);
        format = layout.equals("nhwc") ? CNN2DFormat.NHWC : CNN2DFormat.NCHW;
        boolean last = format == CNN2DFormat.NHWC;
        x = last ? Nd4j.randn(DataType.FLOAT, n, h, wd, c) : Nd4j.randn(DataType.FLOAT, n, c, h, wd);
        w = Nd4j.randn(DataType.FLOAT, out, c, kernel, kernel).muli(Math.sqrt(2.0 / (c * kernel * kernel)));
        long oh = Convolutions.outSize(h, kernel, stride, kernel / 2);
        long ow = Convolutions.outSize(wd, kernel, stride, kernel / 2);
        y = last ? Nd4j.create(DataType.FLOAT, n, oh, ow, out) : Nd4j.create(DataType.FLOAT, n, out, oh, ow);
        dy = Nd4j.randn(DataType.FLOAT, y.shape());
        dx = x.like();
        dw = w.like();
    }

    @Benchmark
    public INDArray forward() {
        Convolutions.forward(x, w, null, kernel, stride, kernel / 2, format, y);
        return y;
    }

    @Benchmark
    public INDArray forwardBackward() {
        Convolutions.forward(x, w, null, kernel, stride, kernel / 2, format, y);
        Convolutions.backward(x, w, dy, kernel, stride, kernel / 2, format, dx, dw, null);
        return dw;
    }
}
