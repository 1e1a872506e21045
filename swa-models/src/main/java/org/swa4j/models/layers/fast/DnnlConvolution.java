package org.swa4j.models.layers.fast;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward_data;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward_weights;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nchw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oihw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_eltwise;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_scratchpad_mode;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_scratchpad_mode_user;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.dnnl.global.dnnl.dnnl_version;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Float 2-D convolution, forward and backward, computed by oneDNN through its C API (JavaCPP's
 * {@code org.bytedeco:dnnl} presets) instead of libnd4j's {@code conv2d}/{@code conv2d_bp} ops.
 *
 * <p>Both end in the same oneDNN JIT kernels. The difference is everything around them: libnd4j
 * creates the primitives, and mallocs its reorder buffers, on every call. Here each shape gets a
 * {@link Plan} once per thread (primitives for forward, backward-data and backward-weights, each with
 * the memory layout oneDNN prefers, plus the reorders between that layout and NCHW). Its internal
 * buffers come from a per-thread arena that only grows; a thread's plans and arena live as long as
 * the thread. At [128,16,32,32] forward + backward took 7.5 ms against 13.1 ms for the libnd4j ops
 * ({@code ConvolutionBenchmark}, docs/fast-layers.md).
 *
 * <p>Activations and their gradients are NCHW or, in graphs that run channels last, NHWC; weights
 * are OIHW. For NCHW the plan reorders to and from oneDNN's blocked layout inside each call; NHWC
 * goes to oneDNN's channels-last kernels as it is, with no reorders of activations, which made
 * forward + backward 25-35% faster (docs/fast-layers.md). Nothing is carried from forward to
 * backward: the backward reorders its inputs again, so a plan holds no state about earlier calls,
 * only scratch space.
 *
 * <p>Used only for float arrays on ND4J's CPU backend. oneDNN has no double convolution, so double
 * precision (the gradient checks) keeps libnd4j's ops, as do the CUDA backend and runs with
 * {@code -Dswa4j.dnnl=false}.
 */
final class DnnlConvolution {

    /** System property: {@code false} routes every convolution to libnd4j's ops (for comparisons). */
    static final String PROPERTY = "swa4j.dnnl";

    private static final Logger log = LoggerFactory.getLogger(DnnlConvolution.class);

    // Arena slots, each reused by several steps of one call in turn.
    private static final int SLOT_X = 0; // x in oneDNN's layout (forward), dL/dx (backward-data), x (backward-weights)
    private static final int SLOT_Y = 1; // y (forward), dL/dy for backward-data
    private static final int SLOT_DY = 2; // dL/dy for backward-weights, if that wants another layout
    private static final int SLOT_W = 3; // weights for forward or backward-data
    private static final int SLOT_DW = 4; // dL/dW before its reorder to OIHW
    private static final int SLOT_SCRATCH = 5; // oneDNN's scratchpad
    private static final int SLOTS = 6;
    private static final long ALIGN = 64;

    private DnnlConvolution() {
    }

    /** Whether {@link #forward}/{@link #backward} may be called: CPU backend, natives loaded, not switched off. */
    static boolean enabled() {
        return Runtime.FAILURE == null;
    }

    /**
     * What computes float convolutions in this process, for provenance: {@code "oneDNN 2.5.2 (direct)"},
     * or {@code "libnd4j conv2d (...why...)"}.
     */
    static String engine() {
        if (Runtime.FAILURE != null) {
            return "libnd4j conv2d (" + Runtime.FAILURE.getMessage() + ")";
        }
        dnnl_version_t v = dnnl_version();
        return "oneDNN " + v.major() + "." + v.minor() + "." + v.patch() + " (direct, ISA " + effectiveIsa() + ")";
    }

    /** The instruction set oneDNN's kernels use here ("avx512_core", "avx2"): it decides their float rounding. */
    static String effectiveIsa() {
        int isa = org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa();
        try {
            for (java.lang.reflect.Field f : org.bytedeco.dnnl.global.dnnl.class.getFields()) {
                if (f.getName().startsWith("dnnl_cpu_isa_") && f.getType() == int.class && f.getInt(null) == isa) {
                    return f.getName().substring("dnnl_cpu_isa_".length());
                }
            }
        } catch (IllegalAccessException e) {
            // public constants: not reached
        }
        return "0x" + Integer.toHexString(isa);
    }

    /** Whether these arrays can take the oneDNN path: float, dense in C order. */
    static boolean supports(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && (a.dataType() != DataType.FLOAT || !NativeArrays.isDenseC(a))) {
                return false;
            }
        }
        return enabled();
    }

    /**
     * {@code out = conv2d(x, w) + b} with square kernel, stride and symmetric zero padding; {@code b} may be null.
     * With {@code nhwc} the activations {@code x} and {@code out} are [N, H, W, C] (channels last), else
     * [N, C, H, W]; the weights are [out, in, kH, kW] either way.
     */
    static void forward(INDArray x, INDArray w, INDArray b, int kernel, int stride, int padding, boolean nhwc,
            INDArray out) {
        State state = STATE.get();
        forward(state, state.plan(x, w, b != null, kernel, stride, padding, nhwc, false), x, w, b, out);
    }

    /**
     * Inference only: {@code out = max(conv2d(x, w) + b, 0)}, the ReLU applied by oneDNN as the
     * convolution writes its output (a post-op), so it costs no pass of its own. No backward.
     */
    static void forwardRelu(INDArray x, INDArray w, INDArray b, int kernel, int stride, int padding, boolean nhwc,
            INDArray out) {
        State state = STATE.get();
        forward(state, state.plan(x, w, true, kernel, stride, padding, nhwc, true), x, w, b, out);
    }

    private static void forward(State state, Plan plan, INDArray x, INDArray w, INDArray b, INDArray out) {
        Key k = plan.key;
        if (b != null) {
            requireShape("bias", b, k.o());
        }
        requireShape("output", out, k.outputShape());
        state.bind(plan);
        plan.x.bind(x);
        plan.w.bind(w);
        if (b != null) {
            plan.bias.bind(b);
        }
        plan.y.bind(out);
        state.run(plan.forward);
    }

    /**
     * Writes dL/dx, dL/dW and (if {@code db} is not null) dL/db of {@code conv2d(x, w) + b} for the
     * upstream gradient {@code dOut}.
     */
    static void backward(INDArray x, INDArray w, INDArray dOut, int kernel, int stride, int padding, boolean nhwc,
            INDArray dx, INDArray dw, INDArray db) {
        State state = STATE.get();
        Plan plan = state.plan(x, w, db != null, kernel, stride, padding, nhwc, false);
        Key k = plan.key;
        requireShape("upstream gradient", dOut, k.outputShape());
        requireShape("input gradient", dx, x.shape());
        requireShape("weight gradient", dw, w.shape());
        if (db != null) {
            requireShape("bias gradient", db, k.o());
        }
        state.bind(plan);
        plan.x.bind(x);
        plan.w.bind(w);
        plan.dy.bind(dOut);
        plan.dx.bind(dx);
        plan.dw.bind(dw);
        if (db != null) {
            plan.dBias.bind(db);
        }
        state.run(plan.backward);
    }

    /** oneDNN reads and writes whole buffers of the planned shape: a wrong shape must not reach it. */
    private static void requireShape(String what, INDArray a, long... shape) {
        if (!java.util.Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException("oneDNN convolution: " + what + " has shape "
                    + java.util.Arrays.toString(a.shape()) + ", expected " + java.util.Arrays.toString(shape));
        }
    }

    /**
     * {@code nhwc}: activations channels last; {@code relu}: an inference-only plan whose forward ends
     * in a ReLU post-op (no backward).
     */
    private record Key(long n, long c, long h, long w, long o, int kernel, int stride, int padding, boolean bias,
            boolean nhwc, boolean relu) {
        /** The output's array shape: [N, O, H', W'], or [N, H', W', O] channels last. */
        long[] outputShape() {
            return nhwc ? new long[] {n, outH(), outW(), o} : new long[] {n, o, outH(), outW()};
        }

        long outH() {
            return NativeOps.outSize(h, kernel, stride, padding);
        }

        long outW() {
            return NativeOps.outSize(w, kernel, stride, padding);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // process-wide: the engine and the primitive attribute

    static final class Runtime {
        static final dnnl_engine ENGINE;
        static final dnnl_primitive_attr ATTR;
        /** {@link #ATTR} plus a ReLU post-op. */
        static final dnnl_primitive_attr ATTR_RELU;
        static final Throwable FAILURE;

        static {
            dnnl_engine engine = null;
            dnnl_primitive_attr attr = null;
            dnnl_primitive_attr attrRelu = null;
            Throwable failure = null;
            try {
                if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
                    throw new IllegalStateException("switched off by -D" + PROPERTY + "=false");
                }
                if (!NativeArrays.cpuBackend()) {
                    throw new IllegalStateException("ND4J backend " + Nd4j.getBackend().getClass().getName()
                            + " is not the native CPU backend");
                }
                PointerPointer<?> out = new PointerPointer<>(1);
                check(dnnl_engine_create(out, dnnl_cpu, 0), "engine_create");
                engine = new dnnl_engine(out.get(0));
                attr = userScratchpadAttr();
                attrRelu = userScratchpadAttr();
                check(dnnl_post_ops_create(out), "post_ops_create");
                dnnl_post_ops relu = new dnnl_post_ops(out.get(0));
                check(dnnl_post_ops_append_eltwise(relu, 1f, dnnl_eltwise_relu, 0f, 0f), "post_ops_append_eltwise");
                check(dnnl_primitive_attr_set_post_ops(attrRelu, relu), "primitive_attr_set_post_ops");
            } catch (Throwable e) {
                failure = e;
                log.info("float convolutions use libnd4j's conv2d ops, not oneDNN directly: {}", e.toString());
            }
            ENGINE = engine;
            ATTR = attr;
            ATTR_RELU = attrRelu;
            FAILURE = failure;
        }

        /** A primitive attribute whose scratchpad the caller provides (the per-thread arena). */
        private static dnnl_primitive_attr userScratchpadAttr() {
            PointerPointer<?> out = new PointerPointer<>(1);
            check(dnnl_primitive_attr_create(out), "primitive_attr_create");
            dnnl_primitive_attr attr = new dnnl_primitive_attr(out.get(0));
            check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "set_scratchpad_mode");
            return attr;
        }
    }

    /** dnnl_status_t's names, by value (dnnl_types.h). */
    private static final String[] STATUS = {"success", "out_of_memory", "invalid_arguments", "unimplemented",
        "iterator_ends", "runtime_error", "not_required"};

    static void check(int status, String call) {
        if (status != dnnl_success) {
            String name = status >= 0 && status < STATUS.length ? STATUS[status] : "unknown";
            throw new IllegalStateException("oneDNN dnnl_" + call + " failed with status " + status + " (" + name + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // per thread: a stream, the plans, the arena

    static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    static final class State {
        final dnnl_stream stream;
        final Map<Key, Plan> plans = new HashMap<>();
        final BytePointer[] slots = new BytePointer[SLOTS];
        final long[] capacity = new long[SLOTS];
        final Address address = new Address();

        State() {
            PointerPointer<?> out = new PointerPointer<>(1);
            check(dnnl_stream_create(out, Runtime.ENGINE, dnnl_stream_default_flags), "stream_create");
            stream = new dnnl_stream(out.get(0));
        }

        /** This thread's plan for the convolution of {@code x} with {@code w}, made on first use. */
        Plan plan(INDArray x, INDArray w, boolean bias, int kernel, int stride, int padding, boolean nhwc,
                boolean relu) {
            int channelAxis = nhwc ? 3 : 1;
            if (x.rank() != 4 || w.rank() != 4 || w.size(1) != x.size(channelAxis) || w.size(2) != kernel
                    || w.size(3) != kernel) {
                throw new IllegalArgumentException("oneDNN convolution: input " + java.util.Arrays.toString(x.shape())
                        + " and weights " + java.util.Arrays.toString(w.shape()) + " do not form an "
                        + (nhwc ? "NHWC" : "NCHW") + " convolution with kernel " + kernel);
            }
            int hAxis = nhwc ? 1 : 2;
            Key key = new Key(x.size(0), x.size(channelAxis), x.size(hAxis), x.size(hAxis + 1), w.size(0), kernel, stride,
                    padding, bias, nhwc, relu);
            return plans.computeIfAbsent(key, Plan::new);
        }

        /** Grows the arena to the plan's needs and points the plan's internal memories at it. */
        void bind(Plan plan) {
            for (int s = 0; s < SLOTS; s++) {
                if (plan.slotBytes[s] > capacity[s]) {
                    if (slots[s] != null) {
                        slots[s].deallocate();
                    }
                    slots[s] = new BytePointer(plan.slotBytes[s] + ALIGN);
                    capacity[s] = plan.slotBytes[s];
                }
            }
            for (Internal m : plan.internal) {
                long raw = slots[m.slot].address();
                check(dnnl_memory_set_data_handle(m.memory, address.at((raw + ALIGN - 1) & -ALIGN)), "memory_set_data_handle");
            }
        }

        void run(List<Step> steps) {
            for (Step step : steps) {
                check(dnnl_primitive_execute(step.primitive, stream, step.count, step.args), "primitive_execute (" + step.name + ")");
            }
        }
    }

    /** A JavaCPP pointer whose address is set from a raw native address. */
    static final class Address extends Pointer {
        Address at(long a) {
            address = a;
            return this;
        }
    }

    /** A memory object in the caller's layout, pointed at the caller's ND4J array on every call. */
    static final class User {
        final dnnl_memory memory;
        final Address address = new Address();

        User(dnnl_memory memory) {
            this.memory = memory;
        }

        void bind(INDArray a) {
            check(dnnl_memory_set_data_handle(memory, address.at(a.data().addressPointer().address())),
                    "memory_set_data_handle");
        }
    }

    private record Internal(dnnl_memory memory, int slot) {
    }

    private record Step(String name, dnnl_primitive primitive, dnnl_exec_arg_t args, int count) {
    }

    // ---------------------------------------------------------------------------------------------
    // one shape: primitives, reorders and memories

    private static final class Plan {
        final Key key;
        final User x;
        final User w;
        final User bias;
        final User y;
        final User dx;
        final User dw;
        final User dBias;
        final User dy;
        final List<Internal> internal = new ArrayList<>();
        final List<Step> forward = new ArrayList<>();
        final List<Step> backward = new ArrayList<>();
        final long[] slotBytes = new long[SLOTS];
        /** Keeps the primitive descriptors (whose memory descriptors the memories were made from) reachable. */
        private final List<dnnl_primitive_desc> descriptors = new ArrayList<>();

        Plan(Key k) {
            this.key = k;
            long[] xDims = {k.n(), k.c(), k.h(), k.w()};
            long[] wDims = {k.o(), k.c(), k.kernel(), k.kernel()};
            long[] yDims = {k.n(), k.o(), k.outH(), k.outW()};
            long[] strides = {k.stride(), k.stride()};
            long[] pad = {k.padding(), k.padding()};
            // oneDNN's dims are logical (N, C, H, W) whatever the memory order; the tag gives the order
            int userTag = k.nhwc() ? dnnl_nhwc : dnnl_nchw;
            dnnl_memory_desc_t xUser = desc(xDims, userTag);
            dnnl_memory_desc_t wUser = desc(wDims, dnnl_oihw);
            dnnl_memory_desc_t yUser = desc(yDims, userTag);
            dnnl_memory_desc_t bUser = k.bias() ? desc(new long[] {k.o()}, dnnl_x) : null;
            // NCHW: oneDNN picks its blocked layout and the plan reorders to and from it. NHWC: the
            // primitives take channels-last memory as it is (oneDNN's nxc kernels), no reorders.
            int activationTag = k.nhwc() ? dnnl_nhwc : dnnl_format_tag_any;
            dnnl_memory_desc_t xAny = desc(xDims, activationTag);
            dnnl_memory_desc_t wAny = desc(wDims, dnnl_format_tag_any);
            dnnl_memory_desc_t yAny = desc(yDims, activationTag);

            dnnl_convolution_desc_t fwdDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_forward_desc_init(fwdDesc, k.relu() ? dnnl_forward_inference : dnnl_forward_training,
                    dnnl_convolution_direct, xAny, wAny, bUser, yAny, strides, pad, pad), "convolution_forward_desc_init");
            dnnl_primitive_desc fwd = primitiveDesc(fwdDesc, null, k.relu() ? Runtime.ATTR_RELU : Runtime.ATTR);
            x = new User(memory(xUser));
            w = new User(memory(wUser));
            y = new User(memory(yUser));
            bias = k.bias() ? new User(memory(bUser)) : null;

            // forward: [x -> x'] [w -> w'] conv [y' -> y]
            dnnl_memory xF = input(forward, x.memory, xUser, dnnl_primitive_desc_query_md(fwd, dnnl_query_src_md, 0), SLOT_X);
            dnnl_memory wF = input(forward, w.memory, wUser, dnnl_primitive_desc_query_md(fwd, dnnl_query_weights_md, 0), SLOT_W);
            dnnl_memory_desc_t yF = dnnl_primitive_desc_query_md(fwd, dnnl_query_dst_md, 0);
            dnnl_memory yOut = same(yF, yUser) ? y.memory : internal(yF, SLOT_Y);
            forward.add(step("convolution forward", fwd, k.bias()
                    ? new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST}
                    : new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
                    k.bias() ? new dnnl_memory[] {xF, wF, bias.memory, yOut} : new dnnl_memory[] {xF, wF, yOut}));
            output(forward, yOut, yF, y.memory, yUser);
            if (k.relu()) {
                dx = null;
                dw = null;
                dy = null;
                dBias = null;
                return;
            }

            dnnl_convolution_desc_t dataDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_data_desc_init(dataDesc, dnnl_convolution_direct, xAny, wAny, yAny, strides, pad,
                    pad), "convolution_backward_data_desc_init");
            dnnl_primitive_desc data = primitiveDesc(dataDesc, fwd, Runtime.ATTR);
            dnnl_convolution_desc_t weightsDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_weights_desc_init(weightsDesc, dnnl_convolution_direct, xAny, wAny, bUser, yAny,
                    strides, pad, pad), "convolution_backward_weights_desc_init");
            dnnl_primitive_desc weights = primitiveDesc(weightsDesc, fwd, Runtime.ATTR);
            dx = new User(memory(xUser));
            dw = new User(memory(wUser));
            dy = new User(memory(yUser));
            dBias = k.bias() ? new User(memory(bUser)) : null;

            // backward-data: [dy -> dy'] [w -> w'] conv_bwd_data [dx' -> dx]
            dnnl_memory_desc_t dyData = dnnl_primitive_desc_query_md(data, dnnl_query_diff_dst_md, 0);
            dnnl_memory dyD = input(backward, dy.memory, yUser, dyData, SLOT_Y);
            dnnl_memory wD = input(backward, w.memory, wUser, dnnl_primitive_desc_query_md(data, dnnl_query_weights_md, 0), SLOT_W);
            dnnl_memory_desc_t dxData = dnnl_primitive_desc_query_md(data, dnnl_query_diff_src_md, 0);
            dnnl_memory dxOut = same(dxData, xUser) ? dx.memory : internal(dxData, SLOT_X);
            backward.add(step("convolution backward-data", data, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
                    new dnnl_memory[] {dyD, wD, dxOut}));
            output(backward, dxOut, dxData, dx.memory, xUser);

            // backward-weights: [x -> x'] [dy -> dy'', unless dy' already has that layout] conv_bwd_weights [dW' -> dW]
            dnnl_memory xW = input(backward, x.memory, xUser, dnnl_primitive_desc_query_md(weights, dnnl_query_src_md, 0), SLOT_X);
            dnnl_memory_desc_t dyWeights = dnnl_primitive_desc_query_md(weights, dnnl_query_diff_dst_md, 0);
            dnnl_memory dyW = same(dyWeights, dyData) ? dyD : input(backward, dy.memory, yUser, dyWeights, SLOT_DY);
            dnnl_memory_desc_t dwWeights = dnnl_primitive_desc_query_md(weights, dnnl_query_diff_weights_md, 0);
            dnnl_memory dwOut = same(dwWeights, wUser) ? dw.memory : internal(dwWeights, SLOT_DW);
            backward.add(step("convolution backward-weights", weights, k.bias()
                    ? new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS}
                    : new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                    k.bias() ? new dnnl_memory[] {xW, dyW, dwOut, dBias.memory} : new dnnl_memory[] {xW, dyW, dwOut}));
            output(backward, dwOut, dwWeights, dw.memory, wUser);
        }

        /** The user memory itself if oneDNN takes its layout, else a reorder step into an arena slot. */
        private dnnl_memory input(List<Step> steps, dnnl_memory user, dnnl_memory_desc_t userDesc, dnnl_memory_desc_t wanted,
                int slot) {
            if (same(userDesc, wanted)) {
                return user;
            }
            dnnl_memory m = internal(wanted, slot);
            steps.add(reorder(userDesc, user, wanted, m));
            return m;
        }

        /** A reorder from the arena back to the user memory, unless the primitive wrote there directly. */
        private void output(List<Step> steps, dnnl_memory written, dnnl_memory_desc_t writtenDesc, dnnl_memory user,
                dnnl_memory_desc_t userDesc) {
            if (written != user) {
                steps.add(reorder(writtenDesc, written, userDesc, user));
            }
        }

        private Step reorder(dnnl_memory_desc_t from, dnnl_memory fromMemory, dnnl_memory_desc_t to, dnnl_memory toMemory) {
            PointerPointer<?> out = new PointerPointer<>(1);
            check(dnnl_reorder_primitive_desc_create(out, from, Runtime.ENGINE, to, Runtime.ENGINE, Runtime.ATTR),
                    "reorder_primitive_desc_create");
            return step("reorder", new dnnl_primitive_desc(out.get(0)), new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
                    new dnnl_memory[] {fromMemory, toMemory});
        }

        private Step step(String name, dnnl_primitive_desc pd, int[] kinds, dnnl_memory[] memories) {
            descriptors.add(pd);
            dnnl_memory_desc_t scratch = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
            long scratchBytes = scratch == null ? 0 : dnnl_memory_desc_get_size(scratch);
            int count = kinds.length + (scratchBytes > 0 ? 1 : 0);
            dnnl_exec_arg_t args = new dnnl_exec_arg_t(count);
            for (int i = 0; i < kinds.length; i++) {
                args.position(i).arg(kinds[i]).memory(memories[i]);
            }
            if (scratchBytes > 0) {
                args.position(kinds.length).arg(DNNL_ARG_SCRATCHPAD).memory(internal(scratch, SLOT_SCRATCH));
            }
            args.position(0);
            PointerPointer<?> out = new PointerPointer<>(1);
            check(dnnl_primitive_create(out, pd), "primitive_create (" + name + ")");
            return new Step(name, new dnnl_primitive(out.get(0)), args, count);
        }

        private dnnl_memory internal(dnnl_memory_desc_t desc, int slot) {
            slotBytes[slot] = Math.max(slotBytes[slot], dnnl_memory_desc_get_size(desc));
            dnnl_memory m = memory(desc);
            internal.add(new Internal(m, slot));
            return m;
        }

        private dnnl_primitive_desc primitiveDesc(dnnl_convolution_desc_t desc, dnnl_primitive_desc hint,
                dnnl_primitive_attr attr) {
            PointerPointer<?> out = new PointerPointer<>(1);
            check(dnnl_primitive_desc_create(out, new const_dnnl_op_desc_t(desc), attr, Runtime.ENGINE, hint),
                    "primitive_desc_create");
            dnnl_primitive_desc pd = new dnnl_primitive_desc(out.get(0));
            descriptors.add(pd);
            return pd;
        }
    }

    static dnnl_memory_desc_t desc(long[] dims, int tag) {
        dnnl_memory_desc_t d = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(d, dims.length, dims, dnnl_f32, tag), "memory_desc_init_by_tag");
        return d;
    }

    static dnnl_memory memory(dnnl_memory_desc_t desc) {
        PointerPointer<?> out = new PointerPointer<>(1);
        check(dnnl_memory_create(out, desc, Runtime.ENGINE, null), "memory_create");
        return new dnnl_memory(out.get(0));
    }

    static boolean same(dnnl_memory_desc_t a, dnnl_memory_desc_t b) {
        return dnnl_memory_desc_equal(a, b) == 1;
    }

}
