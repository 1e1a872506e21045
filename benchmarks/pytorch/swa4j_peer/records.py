"""A results directory in swa4j's layout, readable by `bin/swa report` and `bin/swa parity`:

    DIR/run.json               org.swa4j.experiments.runner.RunOptions (preset, data_dir, allow_download, threads, shard,
                               command, results_format)
    DIR/runs/METHOD-seedK.json org.swa4j.experiments.results.RunRecord (method, seed, status, diverged_epoch, preset,
                               provenance, epochs, results), snake_case keys as swa4j's Json writes them
    DIR/swa.log                the progress lines
    DIR/bma/swag-seedK-budgetB.npz  the peer's own: seed K's SWAG model average at budget B (probabilities [N, classes]
                               float64, labels [N]), kept for MultiSWAG, which needs every seed's
    DIR/checkpoints/seedK.pt   the peer's own: seed K's progress while it runs (SeedCheckpoint), removed once its
                               records are written

Provenance uses swa4j's fields: the backend names PyTorch (version, threads, MKL-DNN), `jvm` the Python
that ran it, `dl4j_version` says none, `layers` says torch.nn. Files are written atomically (a temporary
file renamed over the target).
"""
import io
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

from . import models

REPO = Path(__file__).resolve().parents[3]
BACKEND_PREFIX = "PyTorch"
# org.swa4j.experiments.results.ResultsFormat: 2 = convolutions initialised fan-out, weight decay on every
# parameter (the rules models.py and protocol.py implement)
RESULTS_FORMAT = 2


def write_json(path, value):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name, suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def now():
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def git_commit():
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=40"], cwd=REPO, capture_output=True,
                             text=True, timeout=30)
        return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def project_version():
    m = re.search(r"<artifactId>swa4j[^<]*</artifactId>\s*<version>([^<]+)</version>", (REPO / "pom.xml").read_text())
    return m.group(1) if m else "unknown"


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def device_description(device):
    """The backend's words for where the networks ran: the CPU, or the CUDA device with its arithmetic."""
    device = torch.device(device)
    if device.type != "cuda":
        return "CPU"
    return (f"CUDA {torch.version.cuda} on {torch.cuda.get_device_name(device)} (cuDNN {torch.backends.cudnn.version()}, "
            f"deterministic {torch.backends.cudnn.deterministic}, TF32 "
            f"{'on' if torch.backends.cudnn.allow_tf32 or torch.backends.cuda.matmul.allow_tf32 else 'off'})")


def provenance(threads, start_time, end_time=None, device="cpu"):
    python = f"CPython {platform.python_version()} ({sys.executable})"
    return {
        "git_commit": git_commit(),
        "swa4j_version": project_version(),
        "dl4j_version": "none (PyTorch peer, benchmarks/pytorch/parity.py)",
        "backend": f"{BACKEND_PREFIX} {torch.__version__} {device_description(device)} (MKL-DNN {'on' if torch.backends.mkldnn.enabled else 'off'}, "
                   f"{torch.get_num_threads()} intra-op threads; {python})",
        "jvm": f"none: {python}",
        "os": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpu": f"{cpu_model()}, {os.cpu_count()} logical cores",
        "threads": threads,
        "layers": f"torch.nn (convolutions {models.CONV_INIT}, BatchNorm running variance biased as swa4j)",
        "start_time": start_time,
        "end_time": end_time,
    }


def as_written(preset):
    """The preset as records hold it: without the "swag" key when the preset has no swag block, so that
    readers that do not know the block read the records of presets without one."""
    return {k: v for k, v in preset.items() if not (k == "swag" and v is None)}


class ResultsDirectory:
    def __init__(self, root):
        self.root = Path(root)

    def record_path(self, method, seed):
        return self.root / "runs" / f"{method}-seed{seed}.json"

    def write_run_options(self, preset, data_dir, threads, shard, command):
        """Writes run.json, or checks that an existing one (another shard) holds the same preset and format."""
        path = self.root / "run.json"
        if path.is_file():
            existing = json.loads(path.read_text())
            # seed k's runs do not depend on the number of seeds: a grid may grow by seeds
            diff = sorted(k for k in set(preset) | set(existing.get("preset", {}))
                          if k != "seeds" and preset.get(k) != existing.get("preset", {}).get(k))
            if diff or existing.get("results_format") != RESULTS_FORMAT:
                raise ValueError(f"{path} holds another configuration (differs in {diff or ['results_format']}); "
                                 "use another --out")
            if preset.get("seeds", 0) <= existing.get("preset", {}).get("seeds", 0):
                return
        write_json(path, {"preset": as_written(preset), "data_dir": data_dir, "allow_download": False, "threads": threads,
                          "shard": shard, "command": command, "results_format": RESULTS_FORMAT})

    def finished(self, method, seed):
        path = self.record_path(method, seed)
        if not path.is_file():
            return False
        return json.loads(path.read_text()).get("status") in ("finished", "diverged")

    def write_record(self, method, seed, status, diverged_epoch, preset, prov, epochs, results):
        write_json(self.record_path(method, seed), {
            "method": method, "seed": seed, "status": status, "diverged_epoch": diverged_epoch, "preset": as_written(preset),
            "provenance": prov, "epochs": epochs, "results": results})

    def checkpoint_path(self, seed):
        return self.root / "checkpoints" / f"seed{seed}.pt"

    def bma_path(self, seed, budget):
        return self.root / "bma" / f"swag-seed{seed}-budget{float(budget)!r}.npz"

    def write_bma(self, seed, budget, probabilities, labels):
        """Keeps seed `seed`'s SWAG model average at `budget` for MultiSWAG (written atomically)."""
        buffer = io.BytesIO()
        np.savez(buffer, probabilities=np.asarray(probabilities, dtype=np.float64), labels=np.asarray(labels, dtype=np.int64))
        path = self.bma_path(seed, budget)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(buffer.getvalue())
        os.replace(tmp, path)

    def read_bma(self, seed, budget):
        """(probabilities, labels) kept by write_bma, or None if absent."""
        path = self.bma_path(seed, budget)
        if not path.is_file():
            return None
        with np.load(path) as z:
            return z["probabilities"], z["labels"]

    def record(self, method, seed):
        """The record of `method` and `seed` as a dict, or None if absent."""
        path = self.record_path(method, seed)
        return json.loads(path.read_text()) if path.is_file() else None

    def log(self, line):
        self.root.mkdir(parents=True, exist_ok=True)
        stamped = f"{datetime.now().strftime('%H:%M:%S')} {line}"
        print(stamped, flush=True)
        with open(self.root / "swa.log", "a") as f:
            f.write(stamped + "\n")


CHECKPOINT_FORMAT = 1


class SeedCheckpoint:
    """One seed's progress, rewritten atomically after every epoch: each job (sgd, fge, swa) is saved as
    {"state": ...} after each of its epochs and as {"outcome": ...} once it has ended. A run stopped at any
    moment (kill, Ctrl-C, the machine going away) continues with the same command from the last finished
    epoch of the job it was in, and does not run a finished job again. The data order, the augmentation and
    the SWAG draws depend on (seed, epoch) alone, so the records come out as an uninterrupted run writes them.

    The file names its seed and preset (without "seeds": a grid may grow by seeds); a checkpoint of
    another preset or seed is refused by name, never silently discarded or continued.
    """

    def __init__(self, path, preset, seed):
        self.path = Path(path)
        self.identity = {"format": CHECKPOINT_FORMAT, "seed": seed,
                         "preset": {k: v for k, v in as_written(preset).items() if k != "seeds"}}
        self.jobs = {}
        self.started = now()  # the first start of the seed, kept across resumptions for its provenance
        if not self.path.is_file():
            return
        try:
            # tensors come back on the CPU and are moved to the run's device as they are loaded; the file
            # holds numpy arrays and plain values too, so it is read in full (it is this program's own file)
            saved = torch.load(self.path, map_location="cpu", weights_only=False)
            identity, jobs = saved["identity"], saved["jobs"]
        except Exception as e:  # noqa: BLE001 -- any unreadable file is reported with its name
            raise ValueError(f"{self.path}: not a readable checkpoint ({type(e).__name__}: {e}); "
                             f"move it away to run seed {seed} from its start") from e
        if identity != self.identity:
            theirs, ours = identity.get("preset", {}), self.identity["preset"]
            diff = sorted(k for k in ("format", "seed") if identity.get(k) != self.identity[k])
            diff += sorted(f"preset.{k}" for k in set(theirs) | set(ours) if theirs.get(k) != ours.get(k))
            raise ValueError(f"{self.path} is the checkpoint of another run (differs in {diff}); "
                             "move it away or use another --out")
        self.jobs = jobs
        self.started = saved.get("started", self.started)

    def resumed(self, job):
        """The saved {"state": ...} or {"outcome": ...} of `job`, or None."""
        return self.jobs.get(job)

    def save(self, job, value):
        self.jobs[job] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + self.path.name, suffix=".tmp", dir=self.path.parent)
        with os.fdopen(fd, "wb") as f:
            torch.save({"identity": self.identity, "started": self.started, "jobs": self.jobs}, f)
        os.replace(tmp, self.path)

    def remove(self):
        self.path.unlink(missing_ok=True)
