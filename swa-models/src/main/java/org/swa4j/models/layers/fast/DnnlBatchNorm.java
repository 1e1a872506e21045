package org.swa4j.models.layers.fast;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_fuse_norm_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_workspace_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_global_stats;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_scaleshift;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Float BatchNorm (+ReLU) on channels-last (NHWC) arrays through oneDNN's C API: training forward
 * (batch moments, normalisation and the ReLU in one primitive), its backward (through the batch
 * moments, with the ReLU's mask), and inference with the running statistics.
 *
 * <p>On NHWC oneDNN runs JIT kernels ({@code bnorm_jit}); at [128, 32, 32, 16] forward took 0.9 and
 * backward 1.1 ms against 1.8-3.0 and 4.0 ms for the Java kernels of {@link ChannelsLastKernels}.
 * On NCHW oneDNN has only its reference-like {@code ncsp_bnorm} (3-5x slower than the Java kernels),
 * so NCHW arrays never come here (docs/fast-layers.md).
 *
 * <p>With the ReLU fused, the forward writes a mask into a workspace the caller allocates
 * ({@link #workspaceBytes}) and passes again to the backward: a layer's workspace lives with its
 * activations. The batch variance is the biased one, as in {@link BatchNormKernels}. Plans
 * (primitives and the small gamma/beta buffers) are made once per shape and thread.
 */
final class DnnlBatchNorm {

    private DnnlBatchNorm() {
    }

    /** Whether these arrays can take this path: float, dense, and oneDNN usable in this JVM. */
    static boolean supports(INDArray... arrays) {
        return DnnlConvolution.supports(arrays);
    }

    /** Bytes of the ReLU mask the training forward of an NHWC {@code x} writes (0 without the ReLU). */
    static long workspaceBytes(INDArray x, double eps, boolean relu) {
        return relu ? plan(x, eps, true, true).workspaceBytes : 0;
    }

    /**
     * Training forward: writes the batch mean and biased variance of each channel of {@code x} into
     * {@code mean}, {@code var} ([C]) and {@code relu?(gamma (x - mean) / sqrt(var + eps) + beta)} into
     * {@code y}; with {@code relu} the ReLU's mask into {@code workspace}.
     */
    static void forwardTraining(INDArray x, INDArray gamma, INDArray beta, double eps, boolean relu, INDArray y,
            INDArray mean, INDArray var, INDArray workspace) {
        Plan p = plan(x, eps, relu, true);
        p.bindForward(x, gamma, beta, y, mean, var);
        if (relu) {
            p.requireWorkspace(workspace);
            p.workspace.bind(workspace);
            p.run(p.forward, new int[] {DNNL_ARG_SRC, DNNL_ARG_SCALE_SHIFT, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE,
                DNNL_ARG_WORKSPACE}, p.x.memory, p.scaleShiftMemory, p.y.memory, p.mean.memory, p.var.memory,
                    p.workspace.memory);
        } else {
            p.run(p.forward, new int[] {DNNL_ARG_SRC, DNNL_ARG_SCALE_SHIFT, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE},
                    p.x.memory, p.scaleShiftMemory, p.y.memory, p.mean.memory, p.var.memory);
        }
    }

    /** Inference: {@code y = relu?(gamma (x - mean) / sqrt(var + eps) + beta)} with given (running) statistics. */
    static void forwardInference(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps,
            boolean relu, INDArray y) {
        Plan p = plan(x, eps, relu, false);
        p.bindForward(x, gamma, beta, y, mean, var);
        p.run(p.forward, new int[] {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_SCALE_SHIFT, DNNL_ARG_DST},
                p.x.memory, p.mean.memory, p.var.memory, p.scaleShiftMemory, p.y.memory);
    }

    /**
     * Backward of {@link #forwardTraining} (the gradient flows through the batch moments): writes
     * dL/dx into {@code dx} and dL/dgamma, dL/dbeta into {@code dGamma}, {@code dBeta} ([C] views).
     */
    static void backward(INDArray x, INDArray dy, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps,
            boolean relu, INDArray workspace, INDArray dx, INDArray dGamma, INDArray dBeta) {
        Plan p = plan(x, eps, relu, true);
        p.requireShapes(dy, dx);
        p.scaleShift(gamma, beta);
        p.x.bind(x);
        p.dy.bind(dy);
        p.dx.bind(dx);
        p.mean.bind(mean);
        p.var.bind(var);
        if (relu) {
            p.requireWorkspace(workspace);
            p.workspace.bind(workspace);
            p.run(p.backward, new int[] {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_DST,
                DNNL_ARG_SCALE_SHIFT, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_SCALE_SHIFT}, p.x.memory,
                    p.mean.memory, p.var.memory, p.dy.memory, p.scaleShiftMemory, p.workspace.memory, p.dx.memory,
                    p.diffScaleShiftMemory);
        } else {
            p.run(p.backward, new int[] {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_DST,
                DNNL_ARG_SCALE_SHIFT, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_SCALE_SHIFT}, p.x.memory, p.mean.memory,
                    p.var.memory, p.dy.memory, p.scaleShiftMemory, p.dx.memory, p.diffScaleShiftMemory);
        }
        long c = p.key.c();
        p.requireChannels("dgamma/dbeta", dGamma, dBeta);
        OffHeap.copyFloats(p.diffScaleShift.address(), OffHeap.floatAddress(dGamma), c);
        OffHeap.copyFloats(p.diffScaleShift.address() + c * Float.BYTES, OffHeap.floatAddress(dBeta), c);
    }

    // ---------------------------------------------------------------------------------------------

    private record Key(long n, long h, long w, long c, float eps, boolean relu, boolean training) {
    }

    private static final ThreadLocal<Map<Key, Plan>> PLANS = ThreadLocal.withInitial(HashMap::new);

    private static Plan plan(INDArray x, double eps, boolean relu, boolean training) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("oneDNN BatchNorm expects [N, H, W, C], got " + java.util.Arrays.toString(x.shape()));
        }
        Key key = new Key(x.size(0), x.size(1), x.size(2), x.size(3), (float) eps, relu, training);
        return PLANS.get().computeIfAbsent(key, Plan::new);
    }

    /** One shape's primitives and memories. */
    private static final class Plan {
        final Key key;
        final dnnl_primitive forward;
        final dnnl_primitive backward;
        final DnnlConvolution.User x;
        final DnnlConvolution.User y;
        final DnnlConvolution.User dx;
        final DnnlConvolution.User dy;
        final DnnlConvolution.User mean;
        final DnnlConvolution.User var;
        final DnnlConvolution.User workspace;
        final long workspaceBytes;
        final FloatPointer scaleShift;
        final dnnl_memory scaleShiftMemory;
        final FloatPointer diffScaleShift;
        final dnnl_memory diffScaleShiftMemory;
        /** Keeps the primitive descriptors reachable while the primitives live. */
        private final dnnl_primitive_desc[] descriptors = new dnnl_primitive_desc[2];

        Plan(Key k) {
            this.key = k;
            dnnl_memory_desc_t data = DnnlConvolution.desc(new long[] {k.n(), k.c(), k.h(), k.w()}, dnnl_nhwc);
            dnnl_memory_desc_t stat = DnnlConvolution.desc(new long[] {k.c()}, dnnl_x);
            dnnl_memory_desc_t ss = DnnlConvolution.desc(new long[] {2, k.c()}, dnnl_nc);
            int flags = dnnl_use_scaleshift | (k.relu() ? dnnl_fuse_norm_relu : 0) | (k.training() ? 0 : dnnl_use_global_stats);
            dnnl_batch_normalization_desc_t fd = new dnnl_batch_normalization_desc_t();
            DnnlConvolution.check(dnnl_batch_normalization_forward_desc_init(fd,
                    k.training() ? dnnl_forward_training : dnnl_forward_inference, data, k.eps(), flags),
                    "batch_normalization_forward_desc_init");
            descriptors[0] = primitiveDesc(fd, null);
            forward = primitive(descriptors[0]);
            if (k.training()) {
                dnnl_batch_normalization_desc_t bd = new dnnl_batch_normalization_desc_t();
                DnnlConvolution.check(dnnl_batch_normalization_backward_desc_init(bd, dnnl_backward, data, data, k.eps(), flags),
                        "batch_normalization_backward_desc_init");
                descriptors[1] = primitiveDesc(bd, descriptors[0]);
                backward = primitive(descriptors[1]);
            } else {
                backward = null;
            }
            x = new DnnlConvolution.User(DnnlConvolution.memory(data));
            y = new DnnlConvolution.User(DnnlConvolution.memory(data));
            dx = new DnnlConvolution.User(DnnlConvolution.memory(data));
            dy = new DnnlConvolution.User(DnnlConvolution.memory(data));
            mean = new DnnlConvolution.User(DnnlConvolution.memory(stat));
            var = new DnnlConvolution.User(DnnlConvolution.memory(stat));
            if (k.relu() && k.training()) {
                dnnl_memory_desc_t ws = dnnl_primitive_desc_query_md(descriptors[0], dnnl_query_workspace_md, 0);
                workspaceBytes = dnnl_memory_desc_get_size(ws);
                workspace = new DnnlConvolution.User(DnnlConvolution.memory(ws));
            } else {
                workspaceBytes = 0;
                workspace = null;
            }
            scaleShift = new FloatPointer(2 * k.c());
            scaleShiftMemory = DnnlConvolution.memory(ss);
            DnnlConvolution.check(dnnl_memory_set_data_handle(scaleShiftMemory, scaleShift), "memory_set_data_handle");
            diffScaleShift = new FloatPointer(2 * k.c());
            diffScaleShiftMemory = DnnlConvolution.memory(ss);
            DnnlConvolution.check(dnnl_memory_set_data_handle(diffScaleShiftMemory, diffScaleShift), "memory_set_data_handle");
        }

        private static dnnl_primitive_desc primitiveDesc(dnnl_batch_normalization_desc_t desc, dnnl_primitive_desc hint) {
            PointerPointer<?> out = new PointerPointer<>(1);
            DnnlConvolution.check(dnnl_primitive_desc_create(out, new const_dnnl_op_desc_t(desc), null,
                    DnnlConvolution.Runtime.ENGINE, hint), "primitive_desc_create (batch normalization)");
            return new dnnl_primitive_desc(out.get(0));
        }

        private static dnnl_primitive primitive(dnnl_primitive_desc pd) {
            PointerPointer<?> out = new PointerPointer<>(1);
            DnnlConvolution.check(dnnl_primitive_create(out, pd), "primitive_create (batch normalization)");
            return new dnnl_primitive(out.get(0));
        }

        /** Checks {@code y}'s shape and points the forward's memories at these arrays. */
        void bindForward(INDArray x, INDArray gamma, INDArray beta, INDArray y, INDArray mean, INDArray var) {
            requireShapes(y);
            scaleShift(gamma, beta);
            this.x.bind(x);
            this.y.bind(y);
            this.mean.bind(mean);
            this.var.bind(var);
        }

        void scaleShift(INDArray gamma, INDArray beta) {
            long c = key.c();
            requireChannels("gamma/beta", gamma, beta);
            OffHeap.copyFloats(OffHeap.floatAddress(gamma), scaleShift.address(), c);
            OffHeap.copyFloats(OffHeap.floatAddress(beta), scaleShift.address() + c * Float.BYTES, c);
        }

        /** Checks that a scale/shift pair ({@code what}) has one value per channel. */
        void requireChannels(String what, INDArray scale, INDArray shift) {
            if (scale.length() != key.c() || shift.length() != key.c()) {
                throw new IllegalArgumentException("oneDNN BatchNorm: " + what + " of length " + scale.length() + "/"
                        + shift.length() + " for " + key.c() + " channels");
            }
        }

        void requireShapes(INDArray... arrays) {
            long[] shape = {key.n(), key.h(), key.w(), key.c()};
            for (INDArray a : arrays) {
                if (!java.util.Arrays.equals(a.shape(), shape)) {
                    throw new IllegalArgumentException("oneDNN BatchNorm: array of shape " + java.util.Arrays.toString(a.shape())
                            + ", expected " + java.util.Arrays.toString(shape));
                }
            }
        }

        void requireWorkspace(INDArray w) {
            if (w == null || w.length() * w.dataType().width() < workspaceBytes) {
                throw new IllegalArgumentException("oneDNN BatchNorm: the ReLU workspace needs " + workspaceBytes + " bytes, got "
                        + (w == null ? "none" : w.length() * w.dataType().width()));
            }
        }

        /** Argument lists by call site, built on first use (the memories are the plan's own, rebound per call). */
        private final Map<dnnl_primitive, dnnl_exec_arg_t> args = new HashMap<>();

        void run(dnnl_primitive primitive, int[] kinds, dnnl_memory... memories) {
            dnnl_exec_arg_t a = args.computeIfAbsent(primitive, p -> {
                dnnl_exec_arg_t list = new dnnl_exec_arg_t(kinds.length);
                for (int i = 0; i < kinds.length; i++) {
                    list.position(i).arg(kinds[i]).memory(memories[i]);
                }
                return list.position(0);
            });
            DnnlConvolution.check(dnnl_primitive_execute(primitive, DnnlConvolution.STATE.get().stream, kinds.length, a),
                    "primitive_execute (batch normalization)");
        }
    }

    /** The array type of a ReLU workspace; {@link #workspaceBytes} elements. */
    static DataType workspaceType() {
        return DataType.BYTE;
    }
}
