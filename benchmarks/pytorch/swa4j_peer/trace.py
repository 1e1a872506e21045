"""Step-by-step parity from the same initial weights: `bin/swa trace` writes the first SGD steps of a seed of a
preset (its weights before the first step, after it and after the last, and every step's loss); `replay` loads
the same initial weights into the peer's model, takes the same steps on the same batches (the peer reproduces
swa4j's batch order and augmentation bit for bit) and compares.

The trace's files (org.swa4j.experiments.parity.StepTrace): trace.json (preset, seed, steps, learning rates,
losses, the tensor index: DL4J layer name, parameter key, shape, offset in floats) and initial.f32, step1.f32,
final.f32, little-endian float32 in the index's order, convolution weights [out, in, kh, kw], dense weights
[out, in], vectors [n]. BatchNorm's running mean and variance are tensors too.

What is compared:
- the loss of every step (DL4J's score before the step: mean cross-entropy + wd/2 |w|^2), relative difference;
- the first step's change of every tensor, |d_swa4j - d_torch| / |d_torch| with d = after - before (Euclidean
  norms): one step of forward, backward, momentum, weight decay and BatchNorm statistics, from identical weights
  and batches, so only the frameworks' arithmetic separates the two; and each side's distance from the same step
  taken in float64 by the peer, which says whose float32 rounding is larger;
- after the last step, |w_swa4j - w_torch| / |w_torch - w_initial| per tensor: how far the two runs have drifted
  apart, relative to how far they have moved. Float32 rounding differences grow from step to step in any
  training run; this shows how fast;
- after the last step, the inference-mode softmax (BatchNorm with its running statistics) of the first test batch:
  each side predicts with its own trained weights, so in float64 this checks the evaluation path as well.

A trace in float64 (`bin/swa trace --precision double`, the float32 initial weights cast) is replayed in float64:
there the two must be the same computation, which separates the frameworks' rules from their rounding.

The steps start from swa4j's weights, so they cannot show whether the two frameworks *draw* their initial weights
from the same distribution. `compare_initialisation` does: swa4j's initial weights against the peer's own draw for
the same seed, tensor by tensor, a two-sample Kolmogorov-Smirnov test for every randomly drawn tensor and equality
for the constant ones (BatchNorm's gamma, beta and statistics, zero biases). The draws are independent, so the p
values are uniform when the distributions are the same; the smallest, times the number of tensors (Bonferroni),
below INIT_ALPHA says they are not. On PreResNet-20 that finds a standard deviation 10% off in a 36,864-value
convolution and a variance twice the rule's in the 640-value dense weight, not a 5% difference (TraceTest).
"""
import copy
import json
import math
import re
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import data, metrics, models, presets, protocol, records

FORMAT = 1
FILES = ("initial.f32", "step1.f32", "final.f32")
# The verdict. In float64 (`bin/swa trace --precision double`) the two runs must be the same computation: the first
# loss within FLOAT64_LOSS, every tensor's first change within STORAGE (the files keep float32 weights, whose rounding,
# 6e-8 of |w|, is up to a few 1e-4 of a step's change for BatchNorm's gamma near 1). A rule that differs (a weight
# decay left out of a tensor, another BatchNorm variance, another momentum convention) changes a step by far more:
# wd |gamma| / |gradient| of the step for gamma's decay alone. In float32 the frameworks' rounding differs, and a
# step's change differs by up to a few percent in the first layers (docs/parity.md); only the forward pass, the first loss,
# is held to FLOAT32_LOSS, and both float32 steps are measured against the float64 step from the same weights. In float64
# the test probabilities after the last step, each side predicting with its own trained weights, must agree within
# FLOAT64_PROBABILITY.
FLOAT64_LOSS = 1e-12
FLOAT64_PROBABILITY = 1e-9
FLOAT32_LOSS = 1e-5
STORAGE = 1e-3

BN_KEYS = {"gamma": "weight", "beta": "bias", "mean": "running_mean", "var": "running_var"}


class TraceError(ValueError):
    """A trace directory that cannot be read or does not fit the peer's model; the message names the file."""


def torch_name(model_name, layer, key):
    """The peer's state_dict key of parameter `key` of swa4j's layer `layer` (swa-models' layer names), or TraceError."""
    def bn(prefix):
        if key not in BN_KEYS:
            raise TraceError(f"layer {layer}: parameter {key} is not a BatchNorm parameter ({sorted(BN_KEYS)})")
        return f"{prefix}.{BN_KEYS[key]}"

    if layer == "output":
        if key not in ("W", "b"):
            raise TraceError(f"layer output: unknown parameter {key}")
        return "fc.weight" if key == "W" else "fc.bias"
    m = re.fullmatch(r"cnn([1-9][0-9]*)", model_name)
    if m:
        u = re.fullmatch(r"stage([1-3])\.unit([12])\.[^.]+", layer)
        if not u:
            raise TraceError(f"{model_name}: layer {layer} has no counterpart in the peer's SmallCnn")
        conv = 7 * (int(u.group(1)) - 1) + 3 * (int(u.group(2)) - 1)  # features: conv, bn, relu, conv, bn, relu, maxpool
        return f"features.{conv}.weight" if key == "W" else bn(f"features.{conv + 1}")
    m = re.fullmatch(r"preresnet([1-9][0-9]*)", model_name)
    if not m:
        raise TraceError(f"model {model_name} is not one the peer builds (cnn<w>, preresnet<depth>)")
    depth = int(m.group(1))
    per_stage = (depth - 2) // (9 if depth >= 44 else 6)
    if layer == "stem.conv":
        return "stem.weight"
    if re.fullmatch(r"head\.[^.]+", layer):
        return bn("head_bn")
    b = re.fullmatch(r"stage([1-3])\.block([1-9][0-9]*)\.(pre([1-3])\.[^.]+|conv([1-3])|shortcut)", layer)
    if not b or int(b.group(2)) > per_stage:
        raise TraceError(f"{model_name}: layer {layer} has no counterpart in the peer's PreResNet")
    block = f"blocks.{(int(b.group(1)) - 1) * per_stage + int(b.group(2)) - 1}"
    if b.group(4):
        return bn(f"{block}.bn{b.group(4)}")
    if key != "W":
        raise TraceError(f"layer {layer}: unknown parameter {key}")
    return f"{block}.conv{b.group(5)}.weight" if b.group(5) else f"{block}.shortcut.weight"


def read(directory):
    """(index, {file: {torch name: float32 array}}) of the trace in `directory`, checked against the index."""
    directory = Path(directory)
    path = directory / "trace.json"
    try:
        index = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise TraceError(f"cannot read {path}: {e}") from e
    if index.get("format") != FORMAT:
        raise TraceError(f"{path}: trace format {index.get('format')!r}; this peer reads format {FORMAT}")
    p = presets.normalised(index["preset"], str(path))
    names, total = [], 0
    for t in index["tensors"]:
        if t["offset"] != total:
            raise TraceError(f"{path}: tensor {t['layer']}/{t['key']} starts at {t['offset']}, not {total}")
        names.append((torch_name(p["model"], t["layer"], t["key"]), tuple(t["shape"]), t["offset"]))
        total += math.prod(t["shape"])
    if total != index["floats"]:
        raise TraceError(f"{path}: the tensors hold {total} floats, the index says {index['floats']}")
    states = {}
    for f in FILES:
        raw = np.fromfile(directory / f, dtype="<f4") if (directory / f).is_file() else None
        if raw is None or raw.size != total:
            found = "missing" if raw is None else f"{raw.size} floats"
            raise TraceError(f"{directory / f}: expected {total} float32 values, {found}")
        states[f] = {n: raw[o:o + math.prod(s)].reshape(s) for n, s, o in names}
    return index, p, states


def state_of(model):
    return {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}


def load(model, tensors, where):
    """Sets every parameter and BatchNorm statistic of `model` from `tensors`; each must be given exactly once."""
    own = model.state_dict()
    missing = sorted(set(own) - set(tensors))
    extra = sorted(set(tensors) - set(own))
    if missing or extra:
        raise TraceError(f"{where}: the trace's tensors do not match the peer's model (missing {missing}, unknown {extra})")
    for k, v in tensors.items():
        if tuple(own[k].shape) != v.shape:
            raise TraceError(f"{where}: {k} has shape {v.shape} in the trace, {tuple(own[k].shape)} in the peer's model")
        with torch.no_grad():
            own[k].copy_(torch.from_numpy(v))


def first_step_in_float64(run, model, lr):
    """The state after the first step taken in float64 by a copy of `model` (the float32 initial weights, the same
    batch, rate, momentum and weight decay): the reference both frameworks' float32 steps are measured against."""
    p = run.p
    m64 = copy.deepcopy(model).double()
    m64.train()
    opt = torch.optim.SGD(m64.parameters(), lr=lr, momentum=p["momentum"], weight_decay=p["weight_decay"])
    x, y = next(iter(run.data.train_pass(p["batch_size"], run.seed, 0, p["augment"])))
    loss = F.cross_entropy(m64(torch.from_numpy(x).double()), torch.from_numpy(y))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return {k: v.detach().numpy().copy() for k, v in m64.state_dict().items()}


INIT_ALPHA = 1e-3


def ks_two_sample(a, b):
    """Two-sample Kolmogorov-Smirnov test: (D, p) with D = sup |F_a - F_b| and the asymptotic p value
    Q((sqrt(n_e) + 0.12 + 0.11 / sqrt(n_e)) D) with n_e = n m / (n + m) and Q(x) = 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2)
    (Stephens 1970; Numerical Recipes, Section 14.3). Samples of at least a few dozen values."""
    a = np.sort(np.asarray(a, dtype=np.float64).ravel())
    b = np.sort(np.asarray(b, dtype=np.float64).ravel())
    if a.size == 0 or b.size == 0:
        raise ValueError(f"two-sample KS test needs two non-empty samples, got {a.size} and {b.size} values")
    both = np.concatenate([a, b])
    d = float(np.max(np.abs(np.searchsorted(a, both, side="right") / a.size - np.searchsorted(b, both, side="right") / b.size)))
    root = math.sqrt(a.size * b.size / (a.size + b.size))
    x = (root + 0.12 + 0.11 / root) * d
    if x < 0.2:
        return d, 1.0
    k = np.arange(1, 101)
    q = float(2.0 * np.sum((-1.0) ** (k - 1) * np.exp(-2.0 * k * k * x * x)))
    return d, min(1.0, max(0.0, q))


def compare_initialisation(swa4j_initial, peer_own):
    """swa4j's initial tensors against the peer's own draw of the same seed (both {name: array}); see the module docstring."""
    random_rows, constant_differs = [], []
    for name in sorted(peer_own):
        a = np.asarray(swa4j_initial[name], dtype=np.float64).ravel()
        b = np.asarray(peer_own[name], dtype=np.float64).ravel()
        if np.all(b == b[0]) and np.all(a == a[0]):
            if a[0] != b[0]:
                constant_differs.append({"tensor": name, "swa4j": float(a[0]), "pytorch": float(b[0])})
            continue
        d, pv = ks_two_sample(a, b)
        random_rows.append({"tensor": name, "values": int(a.size), "ks_d": d, "p": pv, "mean_swa4j": float(a.mean()),
                            "mean_pytorch": float(b.mean()), "std_swa4j": float(a.std()), "std_pytorch": float(b.std())})
    smallest = min(random_rows, key=lambda r: r["p"]) if random_rows else None
    adjusted = min(1.0, smallest["p"] * len(random_rows)) if smallest else 1.0
    return {"random_tensors": len(random_rows), "constant_tensors": len(peer_own) - len(random_rows),
            "constant_differs": constant_differs, "smallest": smallest, "smallest_p_bonferroni": adjusted,
            "below_0.05": sum(1 for r in random_rows if r["p"] < 0.05), "alpha": INIT_ALPHA,
            "agrees": not constant_differs and adjusted >= INIT_ALPHA, "tensors": random_rows}


def compare_evaluation(directory, index, dataset, model):
    """The trained networks' inference-mode softmax of the first test batch, swa4j's (evaluation.f64) against the peer's."""
    ev = index.get("evaluation")
    path = Path(directory) / "evaluation.f64"
    if not ev:
        raise TraceError(f"{Path(directory) / 'trace.json'} has no evaluation")
    mine = np.fromfile(path, dtype="<f8") if path.is_file() else None
    if mine is None or mine.size != ev["examples"] * ev["classes"]:
        found = "missing" if mine is None else f"{mine.size} values"
        raise TraceError(f"{path}: expected {ev['examples']} x {ev['classes']} float64 probabilities, {found}")
    mine = mine.reshape(ev["examples"], ev["classes"])
    x, y = next(iter(dataset.test_batches(protocol.EVAL_BATCH)))
    if len(y) != ev["examples"]:
        raise TraceError(f"{path}: {ev['examples']} test examples, the peer's first test batch has {len(y)}")
    dtype = next(model.parameters()).dtype
    model.eval()
    with torch.no_grad():
        theirs = F.softmax(model(torch.from_numpy(x).to(dtype)), dim=1).double().numpy()
    model.train()
    scored = metrics.prediction_metrics(theirs, y)
    return {"examples": len(y), "max_probability_difference": float(np.abs(mine - theirs).max()),
            "nll_swa4j": ev["nll"], "nll_pytorch": scored.nll, "accuracy_swa4j": ev["accuracy"],
            "accuracy_pytorch": scored.accuracy}


def relative(a, b, scale):
    s = float(np.linalg.norm(scale.astype(np.float64)))
    d = float(np.linalg.norm(a.astype(np.float64) - b.astype(np.float64)))
    return d / s if s > 0 else (0.0 if d == 0 else math.inf)


def replay(directory, data_dir=None, log=print):
    """Repeats the trace in `directory` in PyTorch and returns the comparison (a dict, also written as pytorch.json)."""
    index, p, states = read(directory)
    dataset = data.open_dataset(p["dataset"], data_dir, p["train_limit"], p["test_limit"])
    seed, steps = index["seed"], index["steps"]
    run = protocol.SeedRun(p, dataset, seed, lambda line: None)
    model, optimiser = run.network()
    initialisation = compare_initialisation(states["initial.f32"], state_of(model))
    load(model, states["initial.f32"], Path(directory) / "initial.f32")
    precision = index.get("precision", "float")
    if precision not in ("float", "double"):
        raise TraceError(f"{directory}/trace.json: precision {precision!r} is neither float nor double")
    if precision == "double":  # the float32 initial weights cast, as swa4j casts them; an optimiser of the cast model
        model = model.double()
        optimiser = torch.optim.SGD(model.parameters(), lr=p["lr_init"], momentum=p["momentum"], weight_decay=p["weight_decay"])
    initial = state_of(model)
    after_first = {}
    losses = []
    rates = index["learning_rates"]
    expected = presets.sgd_lr(p, 0)
    if any(abs(r - expected) > 1e-12 * expected for r in rates):
        raise TraceError(f"{directory}: the trace's learning rates {sorted(set(rates))} are not the preset's epoch-0 rate {expected}")
    run.set_lr(optimiser, expected)

    def after(i):
        if i == 0:
            after_first.update(state_of(model))

    exact = first_step_in_float64(run, model, expected)
    run.train_epoch(model, optimiser, 0, 0, after=after, steps_limit=steps, losses=losses)
    if len(losses) != steps:
        raise TraceError(f"{directory}: the peer took {len(losses)} steps, the trace {steps}")
    final = state_of(model)
    evaluation = compare_evaluation(directory, index, dataset, model)

    loss_rows = [{"step": i + 1, "swa4j": a, "pytorch": b, "relative": abs(a - b) / abs(b)}
                 for i, (a, b) in enumerate(zip(index["losses"], losses))]
    first, drift = [], []
    for name in initial:
        d_swa4j = states["step1.f32"][name].astype(np.float64) - initial[name]
        d_torch = after_first[name].astype(np.float64) - initial[name]
        d_exact = exact[name] - initial[name]
        first.append({"tensor": name, "relative": relative(d_swa4j, d_torch, d_torch),
                      "swa4j_vs_float64": relative(d_swa4j, d_exact, d_exact),
                      "pytorch_vs_float64": relative(d_torch, d_exact, d_exact)})
        drift.append({"tensor": name, "relative": relative(states["final.f32"][name], final[name], final[name] - initial[name])})
    worst_first = max(first, key=lambda r: r["relative"])
    tolerances = {"first_loss": FLOAT64_LOSS, "first_step": STORAGE} if precision == "double" else \
        {"first_loss": FLOAT32_LOSS, "first_step": None}
    if precision == "double":
        tolerances["evaluation"] = FLOAT64_PROBABILITY
    agree = loss_rows[0]["relative"] <= tolerances["first_loss"] and (
        tolerances["first_step"] is None or worst_first["relative"] <= tolerances["first_step"]) and (
        precision != "double" or evaluation["max_probability_difference"] <= FLOAT64_PROBABILITY)
    result = {
        "trace": str(directory), "preset": p["name"], "model": p["model"], "seed": seed, "steps": steps, "precision": precision,
        "learning_rate": expected,
        "tensors": len(first), "first_step_agrees": agree, "initialisation": initialisation,
        "tolerances": tolerances,
        "first_step_worst": worst_first, "final_drift_median": float(np.median([r["relative"] for r in drift])),
        "final_drift_worst": max(drift, key=lambda r: r["relative"]),
        "evaluation": evaluation, "losses": loss_rows, "first_step": first, "final_drift": drift,
        "swa4j_provenance": index.get("provenance"),
        "provenance": records.provenance(torch.get_num_threads(), records.now(), records.now()),
    }
    records.write_json(Path(directory) / "pytorch.json", result)
    log(describe(result))
    return result


def describe(r):
    """The comparison as text: the losses step by step, the first step's worst tensors, the drift after the last."""
    lines = [f"{r['preset']} ({r['model']}), seed {r['seed']}: {r['steps']} {r['precision']} steps at lr {r['learning_rate']:.4g} from swa4j's "
             f"initial weights, {r['tensors']} tensors",
             "step  swa4j loss   PyTorch loss  relative difference"]
    for row in r["losses"]:
        lines.append(f"{row['step']:>4}  {row['swa4j']:.7f}  {row['pytorch']:.7f}     {row['relative']:.2e}")
    worst = sorted(r["first_step"], key=lambda x: -x["relative"])[:3]
    lines.append("first step, |change swa4j - change PyTorch| / |change PyTorch|, worst tensors: "
                 + ", ".join(f"{w['tensor']} {w['relative']:.2e}" for w in worst))
    lines.append("the same tensors against the step in float64, swa4j / PyTorch: "
                 + ", ".join(f"{w['tensor']} {w['swa4j_vs_float64']:.2e} / {w['pytorch_vs_float64']:.2e}" for w in worst))
    lines.append(f"over all tensors, the worst distance from float64: swa4j {max(x['swa4j_vs_float64'] for x in r['first_step']):.2e}, "
                 f"PyTorch {max(x['pytorch_vs_float64'] for x in r['first_step']):.2e}")
    lines.append(f"after step {r['steps']}, |w swa4j - w PyTorch| / |w PyTorch - w initial|: median {r['final_drift_median']:.2e}, "
                 f"worst {r['final_drift_worst']['tensor']} {r['final_drift_worst']['relative']:.2e}")
    e = r["evaluation"]
    lines.append(f"after step {r['steps']}, inference on the first {e['examples']} test images: largest probability difference "
                 f"{e['max_probability_difference']:.2e}; NLL swa4j {e['nll_swa4j']:.6f}, PyTorch {e['nll_pytorch']:.6f}; "
                 f"accuracy {e['accuracy_swa4j']:.2f}% and {e['accuracy_pytorch']:.2f}%")
    i = r["initialisation"]
    if i["smallest"] is None:
        drawn = "no randomly drawn tensor"
    else:
        drawn = (f"{i['random_tensors']} drawn tensors, two-sample KS test: {i['below_0.05']} with p < 0.05, smallest p "
                 f"{i['smallest']['p']:.3g} ({i['smallest']['tensor']}), times {i['random_tensors']}: {i['smallest_p_bonferroni']:.3g}")
    constants = (f"{i['constant_tensors']} constant tensors equal" if not i["constant_differs"] else
                 "CONSTANT TENSORS DIFFER: " + ", ".join(f"{c['tensor']} {c['swa4j']} / {c['pytorch']}" for c in i["constant_differs"]))
    lines.append(f"initial weights, swa4j's against the peer's own draw of seed {r['seed']}: {drawn}; {constants}; "
                 + ("the same distribution" if i["agrees"] else f"THE INITIALISATIONS DIFFER (Bonferroni p < {i['alpha']:g})"))
    t = r["tolerances"]
    if t["first_step"] is None:
        lines.append(("the forward pass agrees" if r["first_step_agrees"] else "THE FORWARD PASS DIFFERS")
                     + f" (first loss within {t['first_loss']:.0e}); the rules are compared in float64: `bin/swa trace --precision double`")
    else:
        lines.append(("the same computation" if r["first_step_agrees"] else "THE STEPS DIFFER")
                     + f" (first loss within {t['first_loss']:.0e}, every tensor's first change within {t['first_step']:.0e}, "
                     f"the test probabilities after the last step within {t['evaluation']:.0e})")
    return "\n".join(lines)
