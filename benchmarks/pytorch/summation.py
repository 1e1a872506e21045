#!/usr/bin/python3
"""How accurate is a BatchNorm batch mean kept in float32? The stem convolution's output for the first batch of a
`bin/swa trace` directory, computed in float64 from the trace's initial weights, then each channel's mean taken
three ways: summed in order in float32 (one accumulator along the batch), summed pairwise in float32 (numpy's
sum), and exactly; the relative distances (Euclidean over the channels) are printed beside the distances of
swa4j's and PyTorch's first running means from the float64 step (the trace's pytorch.json, from parity.py --trace).

    /usr/bin/python3 benchmarks/pytorch/summation.py reports/parity/trace/preresnet20-float
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from swa4j_peer import data, protocol, trace  # noqa: E402


def main(directory):
    index, p, states = trace.read(directory)
    if not p["model"].startswith("preresnet"):
        raise SystemExit(f"summation.py: {directory} traces {p['model']}; this measures a preresnet's stem")
    dataset = data.open_dataset(p["dataset"], None, p["train_limit"], p["test_limit"])
    model, _ = protocol.SeedRun(p, dataset, index["seed"], lambda line: None).network()
    trace.load(model, states["initial.f32"], directory)
    x, _ = next(iter(dataset.train_pass(p["batch_size"], index["seed"], 0, p["augment"])))
    with torch.no_grad():
        stem = model.double().stem(torch.from_numpy(x).double()).numpy()
    values = np.transpose(stem, (1, 0, 2, 3)).reshape(stem.shape[1], -1)
    exact = values.mean(axis=1)
    single = values.astype(np.float32)
    in_order = np.cumsum(single, axis=1, dtype=np.float32)[:, -1] / values.shape[1]
    pairwise = single.sum(axis=1, dtype=np.float32) / values.shape[1]

    def distance(a):
        return float(np.linalg.norm(a - exact) / np.linalg.norm(exact))

    compared = {r["tensor"]: r for r in json.loads((Path(directory) / "pytorch.json").read_text())["first_step"]}
    first = compared["blocks.0.bn1.running_mean"]
    print(f"{values.shape[1]} values per channel, mean |value| / |mean| {np.abs(values).mean() / np.abs(exact).mean():.1f}")
    print(f"batch mean in float32, summed in order: {distance(in_order):.2e}; summed pairwise: {distance(pairwise):.2e}")
    print(f"first running mean after one step, from the float64 step: swa4j {first['swa4j_vs_float64']:.2e}, "
          f"PyTorch {first['pytorch_vs_float64']:.2e}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
