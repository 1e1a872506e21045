#!/usr/bin/python3
"""PyTorch peer of `bin/swa run`: swa4j's SGD / EMA / FGE / SWA protocol on the same preset and data, in
PyTorch 1.13 (Debian's python3-torch), writing a results directory that `bin/swa parity` compares
with swa4j's and `bin/swa report` can summarise.

    /usr/bin/python3 benchmarks/pytorch/parity.py --preset quick --out results/quick/peer --threads 2
    /usr/bin/python3 benchmarks/pytorch/parity.py --preset my.json --seeds 8 --shard 1/4 --out DIR   # seeds 2 and 6
    /usr/bin/python3 benchmarks/pytorch/parity.py --multiswag-only --out DIR             # pool the seeds' SWAG averages
    /usr/bin/python3 benchmarks/pytorch/parity.py --trace DIR           # repeat `bin/swa trace --out DIR` step by step
    /usr/bin/python3 benchmarks/pytorch/parity.py --self-test                            # checks against swa4j's values

Every deterministic rule is swa4j's: the preset (the same JSON file), the data files and their checksum,
the stratified limits, the normalisation, the order of each training pass and each example's crop and
flip (java.util.SplittableRandom reproduced bit for bit, so the batches are swa4j's), the schedules,
averaging, BatchNorm update and metrics. What differs is the framework's own arithmetic and the random
initial weights (drawn from torch's generator). The package swa4j_peer/ holds the parts; this file the
command line.

A seed's progress is saved after every epoch (DIR/checkpoints/seedK.pt): a run stopped at any moment
continues from there when the same command runs again. The process runs with bin/swa's glibc allocator
setting (GLIBC_TUNABLES below) unless the environment sets its own: with glibc's defaults, freed
activations go back to the system by munmap and trimming, and training steps take up to twice as long.
"""
import argparse
import json
import os
import re
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from swa4j_peer import data, presets, protocol, records, trace  # noqa: E402

# bin/swa's: no mmap'ed chunks, no trimming; freed memory stays in the process, as a caching allocator keeps it
ALLOCATOR_TUNABLES = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736:glibc.malloc.top_pad=268435456"


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
    ap.add_argument("--device", default="cpu",
                    help="where the networks train and predict: cpu, or cuda / cuda:N in float32 with TF32 off and "
                         "cuDNN's deterministic algorithms; data order, augmentation and SWAG's noise are drawn on the "
                         "CPU either way (default: cpu)")
    ap.add_argument("--shard", default="0/1", help="i/n: run only seeds k with (k - 1) mod n == i; shards may share --out "
                                                   "or be combined with `bin/swa merge` (default: 0/1)")
    ap.add_argument("--multiswag-only", action="store_true",
                    help="train nothing: write the multiswag records of --out from the SWAG model averages its seeds "
                         "kept in --out/bma/ (a run does this itself once every seed's swag record is there)")
    ap.add_argument("--trace", metavar="DIR",
                    help="repeat the SGD steps of `bin/swa trace --out DIR` from the same initial weights and compare them "
                         "(writes DIR/pytorch.json; exit 1 if the first step differs)")
    ap.add_argument("--self-test", action="store_true", help="run the peer's unit tests and exit")
    return ap.parse_args(argv)


def open_device(name):
    """The torch.device of --device `name`, set up for float32 arithmetic that repeats itself: on CUDA, TF32 off
    (it would round convolution and matrix inputs to 10-bit mantissas) and cuDNN's deterministic algorithms."""
    try:
        device = torch.device(name)
    except RuntimeError as e:
        raise ValueError(f"--device {name!r} is not a device name (cpu, cuda, cuda:N): {e}") from e
    if device.type == "cpu":
        return device
    if device.type != "cuda":
        raise ValueError(f"--device {name!r}: the peer runs on cpu or cuda, not {device.type}")
    if not torch.cuda.is_available():
        raise ValueError(f"--device {name!r}: this torch {torch.__version__} sees no CUDA device")
    if device.index is not None and device.index >= torch.cuda.device_count():
        raise ValueError(f"--device {name!r}: there are {torch.cuda.device_count()} CUDA devices (cuda:0.."
                         f"cuda:{torch.cuda.device_count() - 1})")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    return device


def self_test():
    import unittest
    suite = unittest.defaultTestLoader.discover(str(Path(__file__).resolve().parent), pattern="test_*.py")
    return 0 if unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful() else 1


def write_multiswag(p, out, threads):
    """The multiswag records of every seed, once every seed's swag record is done; False if some are missing."""
    start_time = records.now()
    try:
        outcome = protocol.multiswag_job(p, out)
    except protocol.SeedsMissing as e:
        out.log(f"multiswag: waits for seeds {e.seeds} (run them, then `parity.py --multiswag-only --out {out.root}`)")
        return False
    prov = records.provenance(threads, start_time, records.now())
    for seed, (status, diverged_epoch, rows, results) in outcome.items():
        out.write_record("multiswag", seed, status, diverged_epoch, p, prov, rows, results)
    finals = ", ".join(f"seed {k} {r[-1]['accuracy']:.2f}%" if r else f"seed {k} {s}" for k, (s, _, _, r) in outcome.items())
    out.log(f"multiswag of {presets.swag_options(p)['multiswag_models']} seeds each: {finals}")
    return True


def multiswag_only(args):
    if not args.out:
        print("parity.py: --multiswag-only needs --out DIR, the results directory of the run", file=sys.stderr)
        return 2
    out = records.ResultsDirectory(args.out)
    path = out.root / "run.json"
    try:
        p = presets.normalised(json.loads(path.read_text())["preset"], str(path))
    except (OSError, KeyError, ValueError) as e:
        print(f"parity.py: cannot read the run's preset from {path}: {e}", file=sys.stderr)
        return 2
    problems = presets.problems(p)
    if "multiswag" not in p["methods"]:
        problems.append(f"the run's methods {p['methods']} do not include multiswag")
    if problems:
        print("parity.py: the run cannot be pooled:\n  - " + "\n  - ".join(problems), file=sys.stderr)
        return 2
    try:
        return 0 if write_multiswag(p, out, args.threads or os.cpu_count()) else 1
    except ValueError as e:
        print(f"parity.py: {e}", file=sys.stderr)
        return 2


def replay_trace(args):
    if args.threads is not None and args.threads < 1:
        print(f"parity.py: --threads {args.threads} must be >= 1", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads or os.cpu_count())
    try:
        result = trace.replay(args.trace, args.data)
    except (trace.TraceError, data.DataError, ValueError) as e:  # PresetError and the models' refusals are ValueErrors
        print(f"parity.py: {e}", file=sys.stderr)
        return 2
    return 0 if result["first_step_agrees"] and result["initialisation"]["agrees"] else 1


def main(argv):
    args = parse(argv)
    if args.self_test:
        return self_test()
    if args.multiswag_only:
        return multiswag_only(args)
    if args.trace:
        return replay_trace(args)
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
    device = None
    try:
        device = open_device(args.device)
    except ValueError as e:
        problems.append(str(e))
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
    per_seed = [m for m in p["methods"] if m != "multiswag"]
    out.log(f"{p['name']}: {dataset.describe()}; model {p['model']}; seeds {seeds}; {threads} threads; torch {torch.__version__}; "
            f"{records.device_description(device)}")
    for seed in seeds:
        if all(out.finished(m, seed) for m in per_seed) and kept_for_multiswag(p, out, seed):
            out.log(f"seed {seed}: all records finished, skipped")
            continue
        t0 = time.perf_counter()
        run = protocol.SeedRun(p, dataset, seed, out.log, device)
        try:
            run.checkpoint = records.SeedCheckpoint(out.checkpoint_path(seed), p, seed)
        except ValueError as e:
            print(f"parity.py: seed {seed}: {e}", file=sys.stderr)
            return 2
        outcome = protocol.run_seed(run)
        prov = records.provenance(threads, run.checkpoint.started, records.now(), device)
        for budget, probabilities in run.bma.items():
            out.write_bma(seed, budget, probabilities, dataset.test_labels)
        for method in per_seed:
            status, diverged_epoch, rows, results = outcome[method]
            out.write_record(method, seed, status, diverged_epoch, p, prov, rows, results)
        run.checkpoint.remove()
        finals = ", ".join(f"{m} {r[-1]['accuracy']:.2f}%" for m, (_, _, _, r) in outcome.items() if r)
        out.log(f"seed {seed}: done in {time.perf_counter() - t0:.1f}s: {finals}")
    if "multiswag" in p["methods"]:
        try:
            write_multiswag(p, out, threads)
        except ValueError as e:
            print(f"parity.py: multiswag: {e}", file=sys.stderr)
            return 2
    return 0


def kept_for_multiswag(p, out, seed):
    """Whether MultiSWAG has what it needs of `seed`: nothing, or a diverged swag run, or every model average."""
    if "multiswag" not in p["methods"]:
        return True
    record = out.record("swag", seed)
    return record is not None and (record["status"] == "diverged"
                                   or all(out.bma_path(seed, b).is_file() for b in presets.swag_budgets(p)))


if __name__ == "__main__":
    if "GLIBC_TUNABLES" not in os.environ:  # glibc reads it at start-up only: run again with it
        os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve())] + sys.argv[1:],
                  dict(os.environ, GLIBC_TUNABLES=ALLOCATOR_TUNABLES))
    sys.exit(main(sys.argv[1:]))
