#!/usr/bin/python3
"""PyTorch peer of `bin/swa jmh ConvolutionBenchmark`: one float convolution (no bias), forward and
forward + backward (dL/dx and dL/dW), at the PreResNet-20 and cnn32 shapes, batch 128.

    GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736:glibc.malloc.top_pad=268435456 \
      /usr/bin/python3 benchmarks/pytorch/conv_bench.py [--threads 2] [--channels-last]

Prints ms per call: 10 warm-up and 30 timed calls each.
"""
import argparse
import time

import torch
import torch.nn.functional as F

SHAPES = [  # (C, H, out, kernel, stride); padding kernel // 2, as in ConvolutionBenchmark
    (16, 32, 16, 3, 1), (16, 32, 32, 1, 2), (32, 16, 32, 3, 1), (64, 8, 64, 3, 1),
    (32, 28, 32, 3, 1), (128, 7, 128, 3, 1),
]


def per_call_ms(f, warmup=10, calls=30):
    for _ in range(warmup):
        f()
    start = time.perf_counter()
    for _ in range(calls):
        f()
    return (time.perf_counter() - start) / calls * 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--channels-last", action="store_true", help="inputs and weights in torch.channels_last")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, memory format {fmt}")
    for c, h, out, k, s in SHAPES:
        x = torch.randn(128, c, h, h).contiguous(memory_format=fmt).requires_grad_()
        w = (torch.randn(out, c, k, k) * (2.0 / (c * k * k)) ** 0.5).contiguous(memory_format=fmt).requires_grad_()
        dy = torch.randn_like(F.conv2d(x, w, stride=s, padding=k // 2)).contiguous(memory_format=fmt)

        def forward():
            with torch.no_grad():
                F.conv2d(x, w, stride=s, padding=k // 2)

        def forward_backward():
            y = F.conv2d(x, w, stride=s, padding=k // 2)
            torch.autograd.grad(y, (x, w), dy)

        print(f"128x{c}x{h}x{h} out {out} kernel {k} stride {s}: forward {per_call_ms(forward):.2f} ms, "
              f"forward + backward {per_call_ms(forward_backward):.2f} ms")


if __name__ == "__main__":
    main()
