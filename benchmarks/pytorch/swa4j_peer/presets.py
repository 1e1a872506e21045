"""swa4j presets (the JSON files `bin/swa run --preset` reads) and the learning rates they define.

A preset is a built-in name (swa-experiments/src/main/resources/presets/NAME.json) or a path; the same
rules as org.swa4j.experiments.preset.Presets: a path if it ends in .json or is an existing file. Keys are
those of the Java record Preset (unknown keys are errors, absent lr_schedule is "reference", absent
swa.keep_snapshots is false; an absent "swag" block, and each key absent from it, take swa4j's defaults
SWAG_DEFAULTS, as Preset.SwagOptions). The schedules are org.swa4j.experiments.runner.Schedules:

    sgd/swa, epoch e 0-based: t = e / T (T = B for SGD, swa.start for SWA); r = 0.01 (SGD) or swa.lr / lr_init
        lr = lr_init * (1 if t <= 0.5; 1 - (1 - r)(t - 0.5) / 0.4 if t <= 0.9; r otherwise)
        ("lr_schedule": "constant": lr_init in every epoch)
    fge, iteration i 0-based since FGE's start, cycle C iterations: t = (i mod C) / C;
        lr = a1 (1 - 2t) + a2 2t if t < 0.5, else a1 (2t - 1) + a2 (2 - 2t); a snapshot after i when (i + 1) mod C == C div 2
"""
import copy
import json
import math
import re
from pathlib import Path

from .data import DATASETS

PRESET_DIR = Path(__file__).resolve().parents[3] / "swa-experiments/src/main/resources/presets"
METHODS = ["sgd", "ema", "fge", "swa", "swag", "multiswag"]
KEYS = ["name", "description", "dataset", "model", "layers", "train_limit", "test_limit", "augment", "seeds",
        "batch_size", "budget_epochs", "lr_init", "lr_schedule", "momentum", "weight_decay", "methods", "ema", "fge",
        "swa", "swag", "pretrained", "paper", "normalisation"]
SECTION_KEYS = {
    "ema": ["decay"],
    "fge": ["start_fraction", "cycle_epochs", "lr1", "lr2", "budget_epochs"],
    "swa": ["start", "lr", "every_epochs", "budgets", "schedule", "cyclic_lr1", "cyclic_lr2", "keep_snapshots"],
    "swag": ["rank", "scale", "samples", "multiswag_models", "budgets"],
    "paper": ["dataset", "model"],
}
SWAG_DEFAULTS = {"rank": 20, "scale": 0.5, "samples": 30, "multiswag_models": 3, "budgets": None}
MODEL_PATTERN = re.compile(r"cnn([1-9][0-9]*)|preresnet([1-9][0-9]*)")


class PresetError(ValueError):
    """A preset that cannot be read, is invalid, or asks for something the peer does not implement."""


def java_round(x):
    """Java's Math.round for the non-negative values of presets: floor(x + 0.5)."""
    return int(math.floor(x + 0.5))


def load(name_or_path):
    """The preset as a dict with swa4j's defaults filled in; raises PresetError naming the problem."""
    path = Path(name_or_path)
    if name_or_path.endswith(".json") or path.is_file():
        if not path.is_file():
            raise PresetError(f"preset file {path.resolve()} does not exist")
    else:
        path = PRESET_DIR / (name_or_path + ".json")
        if not path.is_file():
            known = sorted(p.stem for p in PRESET_DIR.glob("*.json"))
            raise PresetError(f"unknown preset '{name_or_path}'; built-in presets: {known} (or give the path of a .json file)")
    try:
        raw = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise PresetError(f"cannot read preset '{name_or_path}': {e}") from e
    return normalised(raw, str(path))


def normalised(raw, where):
    if not isinstance(raw, dict):
        raise PresetError(f"{where}: a preset is a JSON object")
    unknown = [k for k in raw if k not in KEYS]
    for section, keys in SECTION_KEYS.items():
        if isinstance(raw.get(section), dict):
            unknown += [f"{section}.{k}" for k in raw[section] if k not in keys]
    if unknown:
        raise PresetError(f"{where}: unknown keys {unknown}")
    p = {k: copy.deepcopy(raw.get(k)) for k in KEYS}
    if p["lr_schedule"] is None:
        p["lr_schedule"] = "reference"
    for section, keys in SECTION_KEYS.items():
        if p[section] is not None:
            p[section] = {k: p[section].get(k) for k in keys}
    if p["swa"] is not None:
        if p["swa"]["keep_snapshots"] is None:
            p["swa"]["keep_snapshots"] = False
        if p["swa"]["budgets"] is not None:
            p["swa"]["budgets"] = [float(b) for b in p["swa"]["budgets"]]
    if p["swag"] is not None:
        p["swag"] = {k: SWAG_DEFAULTS[k] if v is None else v for k, v in p["swag"].items()}
        if p["swag"]["budgets"] is not None:
            p["swag"]["budgets"] = [float(b) for b in p["swag"]["budgets"]]
    for k in ("lr_init", "momentum", "weight_decay"):
        if isinstance(p[k], int):
            p[k] = float(p[k])
    return p


def with_seeds(p, n):
    q = copy.deepcopy(p)
    q["seeds"] = n
    return q


def with_budget(p, b):
    """swa4j's Preset.withBudget: SGD budget b epochs; swa.start' = max(1, round(start * b / B))."""
    q = copy.deepcopy(p)
    if q["swa"] is not None:
        q["swa"]["start"] = max(1, java_round(q["swa"]["start"] * b / q["budget_epochs"]))
    q["budget_epochs"] = b
    return q


def epochs_at(p, budget):
    return java_round(budget * p["budget_epochs"])


def swa_epochs(p):
    return epochs_at(p, max(p["swa"]["budgets"]))


def swag_options(p):
    """The "swag" block, or swa4j's defaults when the preset has none."""
    return p["swag"] if p["swag"] is not None else dict(SWAG_DEFAULTS)


def swag_budgets(p):
    """The budgets SWAG and MultiSWAG are evaluated at, ascending: swag.budgets, or (null) the largest of swa.budgets."""
    given = swag_options(p)["budgets"]
    return sorted(given) if given is not None else [max(p["swa"]["budgets"])]


def fge_start_epoch(p):
    return java_round(p["fge"]["start_fraction"] * p["budget_epochs"])


def problems(p):
    """Everything wrong with p, or unimplemented here, as a list of sentences naming the value."""
    out = []
    for k in ("name", "dataset", "model"):
        if not p[k]:
            out.append(f"{k} is missing")
    if p["dataset"] and p["dataset"] not in DATASETS:
        out.append(f"dataset '{p['dataset']}' is not implemented by the PyTorch peer; it reads {sorted(DATASETS)}")
    if p["model"] and not MODEL_PATTERN.fullmatch(p["model"]):
        out.append(f"model '{p['model']}' is not implemented by the PyTorch peer; it builds cnn<width> and preresnet<depth>")
    if p["pretrained"] is not None:
        out.append(f"pretrained = '{p['pretrained']}': the PyTorch peer trains from scratch only")
    if p["normalisation"] not in (None, "default"):
        out.append(f"normalisation = '{p['normalisation']}': the PyTorch peer normalises as swa4j's default for the data set "
                   "(Fashion-MNIST: the training split's mean and std) only")
    fge = p["fge"] if isinstance(p["fge"], dict) else {}
    if fge.get("budget_epochs") not in (None, p["budget_epochs"]):
        out.append(f"fge.budget_epochs = {fge.get('budget_epochs')}: the PyTorch peer runs FGE within the SGD budget "
                   f"({p['budget_epochs']}) only")
    for k, ok, rule in [("seeds", lambda v: v >= 1, ">= 1"), ("batch_size", lambda v: v >= 1, ">= 1"),
                        ("budget_epochs", lambda v: v >= 1, ">= 1"), ("lr_init", lambda v: v > 0, "> 0"),
                        ("momentum", lambda v: 0 <= v < 1, "in [0, 1)"), ("weight_decay", lambda v: v >= 0, ">= 0")]:
        if not isinstance(p[k], (int, float)) or isinstance(p[k], bool) or not ok(p[k]):
            out.append(f"{k} = {p[k]}; must be {rule}")
    for k in ("train_limit", "test_limit"):
        if p[k] is not None and (not isinstance(p[k], int) or p[k] < 1):
            out.append(f"{k} = {p[k]}; must be >= 1 or absent")
    if not isinstance(p["augment"], bool):
        out.append(f"augment = {p['augment']}; must be true or false")
    if p["lr_schedule"] not in ("reference", "constant"):
        out.append(f"lr_schedule = '{p['lr_schedule']}'; must be one of ['reference', 'constant']")
    methods = p["methods"] or []
    if not methods:
        out.append(f"methods is empty; choose from {METHODS}")
    for m in methods:
        if m not in METHODS:
            out.append(f"unknown method '{m}'; known: {METHODS}")
    if len(set(methods)) != len(methods):
        out.append(f"methods {methods} lists a method twice")
    if "ema" in methods and not (p["ema"] and isinstance(p["ema"]["decay"], (int, float)) and 0 < p["ema"]["decay"] < 1):
        out.append(f"method ema needs ema.decay in (0, 1); got {p['ema']}")
    if "fge" in methods:
        f = p["fge"]
        required = [k for k in SECTION_KEYS["fge"] if k != "budget_epochs"]
        if not f or any(not isinstance(f[k], (int, float)) for k in required):
            out.append(f"method fge needs an \"fge\" section with {required}; got {f}")
        elif not 0 < f["start_fraction"] < 1 or f["cycle_epochs"] <= 0 or not 0 < f["lr2"] <= f["lr1"]:
            out.append(f"fge = {f}: needs 0 < start_fraction < 1, cycle_epochs > 0, 0 < lr2 <= lr1")
        elif isinstance(p["budget_epochs"], int) and not 1 <= fge_start_epoch(p) < p["budget_epochs"]:
            out.append(f"fge starts at epoch {fge_start_epoch(p)} of {p['budget_epochs']}; must leave at least one epoch")
    if "swa" in methods:
        s = p["swa"]
        if not s or not s["budgets"] or not isinstance(s["start"], int) or not isinstance(s["every_epochs"], int):
            out.append(f"method swa needs a \"swa\" section with start, lr, every_epochs, budgets; got {s}")
        else:
            if s["schedule"] != "swa":
                out.append(f"swa.schedule = '{s['schedule']}': the PyTorch peer implements \"swa\" only (not cyclic)")
            if not isinstance(s["lr"], (int, float)) or s["lr"] <= 0:
                out.append(f"swa.lr = {s['lr']}; must be > 0")
            elif p["lr_schedule"] == "constant" and s["lr"] != p["lr_init"]:
                out.append(f"swa.lr = {s['lr']} but lr_schedule is constant at lr_init = {p['lr_init']}")
            if s["every_epochs"] < 1:
                out.append(f"swa.every_epochs = {s['every_epochs']}; must be >= 1")
            if any(b <= 0 for b in s["budgets"]):
                out.append(f"swa.budgets = {s['budgets']}; every budget must be > 0")
            elif isinstance(p["budget_epochs"], int) and p["budget_epochs"] >= 1:
                if not 1 <= s["start"] <= swa_epochs(p):
                    out.append(f"swa.start = {s['start']} is outside the SWA run's {swa_epochs(p)} epochs")
                for b in s["budgets"]:
                    if epochs_at(p, b) < s["start"]:
                        out.append(f"swa budget {b} ends at epoch {epochs_at(p, b)}, before swa.start = {s['start']}")
    if {"swag", "multiswag"} & set(methods):
        out += swag_problems(p, methods)
    return out


def swag_problems(p, methods):
    """What is wrong with a preset that lists swag or multiswag (org.swa4j.experiments.preset.PresetValidator's rules)."""
    out = []
    if "swag" in methods and "swa" not in methods:
        out.append("method swag collects the weights SWA averages, along the SWA run: list swa too")
    if "multiswag" in methods and "swag" not in methods:
        out.append("method multiswag mixes the swag results of several seeds: list swag too")
    g = swag_options(p)
    whole = lambda v: isinstance(v, int) and not isinstance(v, bool)
    if not whole(g["rank"]) or g["rank"] < 0 or g["rank"] == 1:
        out.append(f"swag.rank = {g['rank']}; must be 0 (SWAG-Diagonal) or >= 2")
    if not isinstance(g["scale"], (int, float)) or isinstance(g["scale"], bool) or not 0 <= g["scale"] < math.inf:
        out.append(f"swag.scale = {g['scale']}; must be finite and >= 0")
    if not whole(g["samples"]) or g["samples"] < 1:
        out.append(f"swag.samples = {g['samples']}; must be >= 1")
    seeds = p["seeds"] if whole(p["seeds"]) else math.inf
    if "multiswag" in methods and (not whole(g["multiswag_models"]) or not 2 <= g["multiswag_models"] <= seeds):
        out.append(f"swag.multiswag_models = {g['multiswag_models']}; must be in [2, seeds = {p['seeds']}]")
    budgets = g["budgets"]
    if budgets is not None:
        swa = (p["swa"] or {}).get("budgets") or []
        if not budgets:
            out.append("swag.budgets is empty; list some of swa.budgets, or null for the largest of them")
        seen = set()
        for b in budgets:
            if b not in swa:
                out.append(f"swag.budgets contains {b}; each must be one of swa.budgets {swa}")
            elif b in seen:
                out.append(f"swag.budgets lists {b} twice")
            seen.add(b)
    return out


def sgd_lr(p, epoch):
    if p["lr_schedule"] == "constant":
        return p["lr_init"]
    return _reference(p["lr_init"], 0.01, epoch / p["budget_epochs"])


def swa_lr(p, epoch):
    if p["lr_schedule"] == "constant":
        return p["lr_init"]
    return _reference(p["lr_init"], p["swa"]["lr"] / p["lr_init"], epoch / p["swa"]["start"])


def _reference(lr_init, ratio, t):
    if t <= 0.5:
        factor = 1.0
    elif t <= 0.9:
        factor = 1.0 - (1.0 - ratio) * (t - 0.5) / 0.4
    else:
        factor = ratio
    return lr_init * factor


def fge_cycle(p, iterations_per_epoch):
    """FGE's cycle in iterations: max(2, round(cycle_epochs * iterations per epoch))."""
    return max(2, java_round(p["fge"]["cycle_epochs"] * iterations_per_epoch))


def fge_lr(iteration, cycle, lr1, lr2):
    t = (iteration % cycle) / cycle
    return lr1 * (1.0 - 2.0 * t) + lr2 * 2.0 * t if t < 0.5 else lr1 * (2.0 * t - 1.0) + lr2 * (2.0 - 2.0 * t)


def fge_snapshot(iteration, cycle):
    return (iteration + 1) % cycle == cycle // 2


def swa_averages_after(p, epoch):
    """Whether SWA folds the weights in after 0-based epoch `epoch`."""
    s = p["swa"]
    return epoch + 1 >= s["start"] and (epoch + 1 - s["start"]) % s["every_epochs"] == 0
