#!/usr/bin/python3
"""PyTorch peer of `bin/swa run`: swa4j's SGD / EMA / FGE / SWA protocol on the same preset and data, in
PyTorch 1.13 (Debian's python3-torch), writing a results directory that `bin/swa parity` compares
with swa4j's and `bin/swa report` can summarise.

    /usr/bin/python3 benchmarks/pytorch/parity.py --preset quick --out results/quick/peer --threads 2
    /usr/bin/python3 benchmarks/pytorch/parity.py --preset my.json --seeds 8 --shard 1/4 --out DIR   # seeds 2 and 6
    /usr/bin/python3 benchmarks/pytorch/parity.py --self-test                            # checks against swa4j's values

Every deterministic rule is swa4j's: the preset (the same JSON file), the data files and their checksum,
the stratified limits, the normalisation, the order of each training pass and each example's crop and
flip (java.util.SplittableRandom reproduced bit for bit, so the batches are swa4j's), the schedules,
averaging, BatchNorm update and metrics. What differs is the framework's own arithmetic and the random
initial weights (drawn from torch's generator). The package swa4j_peer/ holds the parts; this file the
command line.
"""
import argparse
import os
import re
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from swa4j_peer import data, presets, protocol, records  # noqa: E402


def parse_shard(text):
    """--shard i/n: (i, n) with 0 <= i < n."""
    m = re.fullmatch(r"([0-9]+)/([1-9][0-9]*)", text)
    if not m or int(m.group(1)) >= int(m.group(2)):
        raise ValueError(f"--shard {text}: give i/n with 0 <= i < n, e.g. 0/4")
    return int(m.group(1)), int(m.group(2))


def shard_seeds(seeds, shard):
    """The seeds 1..seeds that shard (i, n) runs: seed k with (k - 1) mod n == i."""
    i, n = shard
    return [k for k in range(1, seeds + 1) if (k - 1) % n == i]


def parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="quick", help="built-in preset name or preset JSON file (default: quick)")
    ap.add_argument("--seeds", type=int, help="number of seeds, 1..N (default: the preset's)")
    ap.add_argument("--epochs", type=int, help="SGD budget B in epochs (default: the preset's); swa.start scales with it")
    ap.add_argument("--out", help="results directory (default: results/<preset>-pytorch)")
    ap.add_argument("--data", help="data directory: the set is read from DIR/<set>, else $SWA4J_DATA, ~/.swa4j/data, "
                                   "/usr/share/datasets")
    ap.add_argument("--threads", type=int, help="torch.set_num_threads (default: all cores)")
    ap.add_argument("--shard", default="0/1", help="i/n: run only seeds k with (k - 1) mod n == i; shards may share --out "
                                                   "or be combined with `bin/swa merge` (default: 0/1)")
    ap.add_argument("--self-test", action="store_true", help="run the peer's unit tests and exit")
    return ap.parse_args(argv)


def self_test():
    import unittest
    suite = unittest.defaultTestLoader.discover(str(Path(__file__).resolve().parent), pattern="test_*.py")
    return 0 if unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful() else 1


def main(argv):
    args = parse(argv)
    if args.self_test:
        return self_test()
    problems = []
    try:
        p = presets.load(args.preset)
    except presets.PresetError as e:
        print(f"parity.py: {e}", file=sys.stderr)
        return 2
    if args.seeds is not None:
        if args.seeds < 1:
            problems.append(f"--seeds {args.seeds} must be >= 1")
        else:
            p = presets.with_seeds(p, args.seeds)
    if args.epochs is not None:
        if args.epochs < 1:
            problems.append(f"--epochs {args.epochs}: the budget must be a positive number of epochs")
        else:
            p = presets.with_budget(p, args.epochs)
    shard = (0, 1)
    try:
        shard = parse_shard(args.shard)
    except ValueError as e:
        problems.append(str(e))
    threads = args.threads if args.threads is not None else os.cpu_count()
    if threads < 1:
        problems.append(f"--threads {threads} must be >= 1")
    problems += presets.problems(p)
    dataset = None
    if not problems:
        try:
            dataset = data.open_dataset(p["dataset"], args.data, p["train_limit"], p["test_limit"])
        except (data.DataError, ValueError) as e:
            problems.append(f"data set '{p['dataset']}': {e}")
    if problems:
        print("parity.py: the preset or options cannot be run:\n  - " + "\n  - ".join(problems), file=sys.stderr)
        return 2

    torch.set_num_threads(threads)
    out = records.ResultsDirectory(args.out or Path("results") / (p["name"] + "-pytorch"))
    command = "benchmarks/pytorch/parity.py " + " ".join(shlex.quote(a) for a in argv)
    out.write_run_options(p, args.data, threads, args.shard, command)
    seeds = shard_seeds(p["seeds"], shard)
    out.log(f"{p['name']}: {dataset.describe()}; model {p['model']}; seeds {seeds}; {threads} threads; torch {torch.__version__}")
    for seed in seeds:
        if all(out.finished(m, seed) for m in p["methods"]):
            out.log(f"seed {seed}: all records finished, skipped")
            continue
        start_time = records.now()
        t0 = time.perf_counter()
        run = protocol.SeedRun(p, dataset, seed, out.log)
        outcome = protocol.run_seed(run)
        prov = records.provenance(threads, start_time, records.now())
        for method in p["methods"]:
            status, diverged_epoch, rows, results = outcome[method]
            out.write_record(method, seed, status, diverged_epoch, p, prov, rows, results)
        finals = ", ".join(f"{m} {r[-1]['accuracy']:.2f}%" for m, (_, _, _, r) in outcome.items() if r)
        out.log(f"seed {seed}: done in {time.perf_counter() - t0:.1f}s: {finals}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
