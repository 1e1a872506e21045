#!/usr/bin/python3
"""PyTorch peer of `swa bench-train` (org.swa4j.experiments.bench.TrainBenchmark).

Same models (cnn<w>, preresnet<6n+2> with basic pre-activation blocks), same random data scheme
(four pre-generated N(0,1) batches with random labels, rotated), same batch, same thread count,
SGD momentum 0.9 with weight decay 5e-4, cross-entropy. Prints training step times, inference
images/s, peak RSS, and `images/s: X` (training) as the last line.

    /usr/bin/python3 benchmarks/pytorch/bench_train.py --model cnn32 --input 1x28x28 --batch 128 --steps 20 --threads 2
"""
import argparse
import re
import os
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def cnn(width, channels, classes):
    layers, cin = [], channels
    for stage in range(3):
        cout = width << stage
        layers += conv_bn_relu(cin, cout) + conv_bn_relu(cout, cout) + [nn.MaxPool2d(2, 2)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


class PreActBlock(nn.Module):
    """timgaripov/swa preresnet.py BasicBlock: BN-ReLU-conv3x3-BN-ReLU-conv3x3, projection on x."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.down = nn.Conv2d(cin, cout, 1, stride, 0, bias=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv2(F.relu(self.bn2(out)))
        return out + (self.down(x) if self.down is not None else x)


def preresnet(depth, channels, classes):
    if depth < 8 or (depth - 2) % 6:
        raise ValueError(f"preresnet depth must be 6n+2, got {depth}")
    n = (depth - 2) // 6
    layers, cin = [nn.Conv2d(channels, 16, 3, 1, 1, bias=False)], 16
    for stage in range(3):
        cout = 16 << stage
        for block in range(n):
            layers.append(PreActBlock(cin, cout, 2 if stage > 0 and block == 0 else 1))
            cin = cout
    layers += [nn.BatchNorm2d(cin), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def build(name, channels, classes):
    m = re.fullmatch(r"cnn(\d+)", name)
    if m:
        return cnn(int(m.group(1)), channels, classes)
    m = re.fullmatch(r"preresnet(\d+)", name)
    if m:
        return preresnet(int(m.group(1)), channels, classes)
    raise ValueError(f"unknown model '{name}'; known: cnn<width>, preresnet<6n+2>")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--input", required=True, help="CxHxW")
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--channels-last", action="store_true",
                   help="model and inputs in torch.channels_last memory format (NHWC)")
    a = p.parse_args()
    c, h, w = (int(v) for v in a.input.split("x"))
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = build(a.model, c, a.classes)
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    batches = [(torch.randn(a.batch, c, h, w), torch.randint(0, a.classes, (a.batch,))) for _ in range(4)]
    if a.channels_last:
        batches = [(x.contiguous(memory_format=torch.channels_last), y) for x, y in batches]

    def step(i):
        x, y = batches[i % 4]
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    model.train()
    for i in range(a.warmup):
        step(i)
    times = []
    start = time.perf_counter()
    for i in range(a.steps):
        t = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - t) * 1e3)
    train_sec = time.perf_counter() - start
    train_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    model.eval()
    with torch.no_grad():
        for i in range(a.warmup):
            model(batches[i % 4][0])
        start = time.perf_counter()
        for i in range(a.steps):
            model(batches[i % 4][0])
        infer_sec = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    images = a.batch * a.steps
    params = sum(p.numel() for p in model.parameters())
    print(f"model: {a.model}  layers: pytorch-{torch.__version__}  input: {a.input}  batch: {a.batch}  "
          f"threads: {torch.get_num_threads()}  params: {params}  "
          f"memory format: {'channels_last (NHWC)' if a.channels_last else 'contiguous (NCHW)'}  "
          f"GLIBC_TUNABLES: {os.environ.get('GLIBC_TUNABLES', '(unset)')}")
    print(f"train step ms: median {statistics.median(times):.1f}  min {min(times):.1f}  max {max(times):.1f}  "
          f"({a.steps} steps after {a.warmup} warm-up)")
    print(f"inference images/s: {images / infer_sec:.1f}")
    print(f"peak RSS MiB: {peak:.0f} (after training {train_peak:.0f})")
    print(f"images/s: {images / train_sec:.1f}")


if __name__ == "__main__":
    main()
