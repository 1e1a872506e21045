"""swa4j's four-method protocol (org.swa4j.experiments.runner: SgdJob, FgeJob, SwaJob) for one seed.

- sgd: B epochs, the preset's schedule set once per epoch; torch.optim.SGD(momentum, weight_decay) on every
  parameter (heavy-ball v = mu v + g + wd w, w -= lr v, as swa4j's Momentum with coupled L2 on all
  parameters). Test metrics after every epoch.
- ema: along the same run, after every step ema = d ema + (1 - d) w (the first update copies w);
  BatchNorm running statistics are copied from the live network, not averaged; before each evaluation
  they are recomputed (bn_update) on pass e of the BatchNorm stream (seed 0x5EEDB00B + seed).
- fge: from the SGD weights and momentum after epoch round(start_fraction B), epochs up to B with the
  triangular rate per iteration (iteration counted from FGE's start), a snapshot after every iteration i
  with (i + 1) mod C == C div 2, whose test probabilities are added to a running sum; the prediction is
  the mean; the snapshots keep their own BatchNorm statistics. One budget.
- swa: one run of round(max budget B) epochs from the same initialisation with the SWA schedule;
  after epoch e (0-based) with e + 1 >= start and (e + 1 - start) mod every_epochs == 0 the weights are
  folded into avg += (w - avg) / (n + 1); once n > 0, BN update then test metrics after every epoch;
  the result at budget b is the one after epoch round(b B).
- swag (and multiswag's members): along the same SWA run, swag.Swag collects the same weights at the same
  points; after epoch round(b B) of each SWAG budget b (swag.budgets, null: the largest SWA budget) the
  Bayesian model average of swag.samples draws at swag.scale, draw s written into a working network whose
  BatchNorm statistics are recomputed on pass e + s of the BatchNorm stream (e the 0-based epoch) before
  it predicts the test set; draw s uses torch.Generator().manual_seed(the s-th nextLong() of
  java.util.SplittableRandom(0x5A6B0000 + seed)). The averaged probabilities are kept (SeedRun.bma) for
  MultiSWAG, which pools the seeds once all have run (swag.multiswag_models of them, cyclic).

bn_update (swa4j's BatchNormUpdate, the reference's bn_update): one training-mode forward per batch, each
BatchNorm's mean and variance become the batch-size-weighted average of the batch means and biased
variances. The training loss reported per epoch is the mean over steps of cross-entropy + wd/2 * |w|^2
(DL4J's score); training accuracy is that of the training-mode forward before each step.
"""
import copy
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import javarandom, models, presets, swag
from .metrics import prediction_metrics

BATCH_NORM_SEED_OFFSET = 0x5EEDB00B
SWAG_SAMPLE_SEED_OFFSET = 0x5A6B0000
EVAL_BATCH = 256


class Diverged(Exception):
    def __init__(self, epoch):
        super().__init__(f"non-finite training loss in epoch {epoch}")
        self.epoch = epoch


def epoch_row(epoch, lr, loss, accuracy, test, seconds):
    """An EpochMetrics record; test is (accuracy, nll, ece) or None."""
    return {"epoch": epoch, "lr": lr, "train_loss": loss, "train_accuracy": accuracy,
            "test_loss": None if test is None else test[1], "test_accuracy": None if test is None else test[0],
            "test_ece": None if test is None else test[2], "seconds": seconds}


def budget_result(budget, epochs, test):
    """A BudgetResult record from a metrics.Metrics."""
    return {"budget": float(budget), "epochs": epochs, "accuracy": test.accuracy, "nll": test.nll, "ece": test.ece,
            "reliability": test.reliability}


def swag_sample_seeds(seed, samples):
    """The torch generator seeds of the draws of seed k's Bayesian model averages."""
    r = javarandom.SplittableRandom(SWAG_SAMPLE_SEED_OFFSET + seed)
    return [r.next_long() for _ in range(samples)]


class Average:
    """swa4j's AveragedModel: SWA (decay None) or EMA of the parameters; buffers (BN statistics) copied."""

    def __init__(self, model, decay=None):
        self.model = copy.deepcopy(model)
        self.decay = decay
        self.count = 0

    @torch.no_grad()
    def update(self, live):
        weights = list(live.parameters())
        if not bool(torch.stack([torch.isfinite(w).all() for w in weights]).all()):
            raise ValueError("weights contain NaN or infinity; not folded into the average")
        for a, w in zip(self.model.parameters(), weights):
            if self.count == 0:
                a.copy_(w)
            elif self.decay is None:
                a.add_(w - a, alpha=1.0 / (self.count + 1))
            else:
                a.mul_(self.decay).add_(w, alpha=1.0 - self.decay)
        for a, b in zip(self.model.buffers(), live.buffers()):
            a.copy_(b)
        self.count += 1

    def state(self):
        return {"model": copy.deepcopy(self.model.state_dict()), "count": self.count}

    def load(self, state):
        self.model.load_state_dict(state["model"])
        self.count = state["count"]


class SeedRun:
    """What the jobs of one seed share: preset, data, seed, clock and log."""

    def __init__(self, preset, data, seed, log, device="cpu"):
        self.p = preset
        self.data = data
        self.seed = seed
        self.log = log
        self.device = torch.device(device)  # the networks' device; data, draws and records stay on the CPU
        self.iterations_per_epoch = math.ceil(data.train_size / preset["batch_size"])
        self.bma = {}  # SWAG budget -> Bayesian model average of the test probabilities, [N, classes]
        self.checkpoint = None  # a records.SeedCheckpoint: the jobs save their progress after every epoch

    def resumed(self, job):
        """The checkpoint's {"state": ...} or {"outcome": ...} of `job`, or None."""
        return self.checkpoint.resumed(job) if self.checkpoint is not None else None

    def save(self, job, value):
        if self.checkpoint is not None:
            self.checkpoint.save(job, value)

    def restore(self, job, saved, model, optimiser):
        """Loads the epoch state `saved` of `job` into model and optimiser: (state, iteration, epochs done, seconds)."""
        st = saved["state"]
        model.load_state_dict(st["model"])
        optimiser.load_state_dict(st["optimiser"])
        self.line(f"{job} resumed after epoch {st['epoch']}")
        return st, st["iteration"], st["epoch"], st["seconds"]

    def save_epoch(self, job, model, optimiser, epoch, iteration, seconds, **rest):
        """Saves `job`'s state after `epoch` epochs: model, optimiser, clocks and the job's own `rest`."""
        self.save(job, {"state": dict(model=model.state_dict(), optimiser=optimiser.state_dict(), iteration=iteration,
                                      epoch=epoch, seconds=seconds, **rest)})

    def finish(self, job, outcome):
        """Saves and returns the outcome of a job that has ended."""
        self.save(job, {"outcome": outcome})
        return outcome

    def network(self):
        model = models.build(self.p["model"], self.data.channels, 10, self.seed).to(self.device)
        optimiser = torch.optim.SGD(model.parameters(), lr=self.p["lr_init"], momentum=self.p["momentum"],
                                    weight_decay=self.p["weight_decay"])
        return model, optimiser

    @staticmethod
    def set_lr(optimiser, lr):
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"learning rate {lr} must be finite and > 0")
        for group in optimiser.param_groups:
            group["lr"] = lr

    def train_epoch(self, model, optimiser, epoch, first_iteration, before=None, after=None, steps_limit=None, losses=None):
        """(mean loss, train accuracy %, steps) of pass `epoch`; raises Diverged on a non-finite loss. With `steps_limit`,
        only the pass's first batches; each step's loss (swa4j's score, before the step) is appended to `losses`."""
        model.train()
        wd = self.p["weight_decay"]
        params = list(model.parameters())
        loss_sum, steps, correct, seen = 0.0, 0, 0, 0
        iteration = first_iteration
        for x, y in self.data.train_pass(self.p["batch_size"], self.seed, epoch, self.p["augment"]):
            if steps_limit is not None and steps == steps_limit:
                break
            if before is not None:
                before(iteration)
            x, y = torch.from_numpy(x).to(self.device, params[0].dtype), torch.from_numpy(y).to(self.device)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            with torch.no_grad():  # one transfer of the per-parameter float32 sums, added in float64 in order
                penalty = sum(torch.stack([(q * q).sum() for q in params]).tolist()) if wd > 0 else 0.0
                score = loss.item() + 0.5 * wd * penalty
            if not math.isfinite(score):
                raise Diverged(epoch + 1)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            correct += int((logits.detach().argmax(dim=1) == y).sum())
            seen += len(y)
            loss_sum += score
            if losses is not None:
                losses.append(score)
            steps += 1
            if after is not None:
                after(iteration)
            iteration += 1
        return loss_sum / steps, 100.0 * correct / seen, steps

    @torch.no_grad()
    def probabilities(self, model):
        """Softmax test probabilities (float32 rounded, as float64) in inference mode, [N, classes]."""
        was_training = model.training
        model.eval()
        parts = [F.softmax(model(torch.from_numpy(x).to(self.device)), dim=1).double().cpu().numpy() for x, _ in
                 self.data.test_batches(EVAL_BATCH)]
        model.train(was_training)
        return np.concatenate(parts)

    def evaluate(self, model):
        return prediction_metrics(self.probabilities(model), self.data.test_labels)

    @torch.no_grad()
    def recalibrate(self, model, epoch):
        """bn_update over pass `epoch` of the BatchNorm stream."""
        norms = models.batch_norms(model)
        for bn in norms:
            bn.start_recalibration()
        model.train()
        for x, _ in self.data.train_pass(self.p["batch_size"], BATCH_NORM_SEED_OFFSET + self.seed, epoch, self.p["augment"]):
            model(torch.from_numpy(x).to(self.device))
        for bn in norms:
            bn.finish_recalibration()

    def line(self, text):
        self.log(f"seed {self.seed}: {text}")


def sgd_job(run):
    """The sgd and ema records, and FGE's starting point ((model, optimiser) states) when FGE is asked for."""
    p = run.p
    methods = p["methods"]
    with_ema = "ema" in methods
    first = presets.fge_start_epoch(p) if "fge" in methods else None
    epochs = p["budget_epochs"] if {"sgd", "ema"} & set(methods) else first
    saved = run.resumed("sgd")
    if saved is not None and "outcome" in saved:
        return saved["outcome"]
    model, optimiser = run.network()
    ema = Average(model, p["ema"]["decay"]) if with_ema else None
    rows = {"sgd": [], "ema": []}
    results = {"sgd": [], "ema": []}
    fge_start = None
    iteration, done, elapsed = 0, 0, 0.0
    if saved is not None:
        st, iteration, done, elapsed = run.restore("sgd", saved, model, optimiser)
        if with_ema:
            ema.load(st["ema"])
        rows, results, fge_start = st["rows"], st["results"], st["fge_start"]
    elif first == 0:
        fge_start = (copy.deepcopy(model.state_dict()), copy.deepcopy(optimiser.state_dict()))
    start = time.perf_counter() - elapsed
    try:
        for e in range(done, epochs):
            t0 = time.perf_counter()
            lr = presets.sgd_lr(p, e)
            run.set_lr(optimiser, lr)
            loss, acc, steps = run.train_epoch(model, optimiser, e, iteration,
                                               after=(lambda i: ema.update(model)) if with_ema else None)
            iteration += steps
            m = run.evaluate(model)
            seconds = time.perf_counter() - start
            rows["sgd"].append(epoch_row(e + 1, lr, loss, acc, m, seconds))
            text = f"sgd epoch {e + 1}/{epochs} lr {lr:.4g} loss {loss:.4f} train {acc:.2f}% test {m[0]:.2f}% nll {m[1]:.4f}"
            me = None
            if with_ema:
                run.recalibrate(ema.model, e)
                me = run.evaluate(ema.model)
                rows["ema"].append(epoch_row(e + 1, lr, None, None, me, seconds))
                text += f" | ema test {me[0]:.2f}%"
            if e + 1 == p["budget_epochs"]:
                results["sgd"].append(budget_result(1.0, e + 1, m))
                if with_ema:
                    results["ema"].append(budget_result(1.0, e + 1, me))
            if first is not None and e + 1 == first:
                fge_start = (copy.deepcopy(model.state_dict()), copy.deepcopy(optimiser.state_dict()))
            run.line(text + f" ({time.perf_counter() - t0:.1f}s)")
            run.save_epoch("sgd", model, optimiser, e + 1, iteration, time.perf_counter() - start,
                           ema=ema.state() if with_ema else None, rows=rows, results=results, fge_start=fge_start)
    except Diverged as d:
        run.line(f"sgd DIVERGED in epoch {d.epoch}")
        return run.finish("sgd", ({m: ("diverged", d.epoch, rows[m], []) for m in ("sgd", "ema") if m in methods},
                                  fge_start, d.epoch))
    return run.finish("sgd", ({m: ("finished", None, rows[m], results[m]) for m in ("sgd", "ema") if m in methods},
                              fge_start, None))


def fge_job(run, fge_start):
    p = run.p
    f = p["fge"]
    first = presets.fge_start_epoch(p)
    saved = run.resumed("fge")
    if saved is not None and "outcome" in saved:
        return saved["outcome"]
    model, optimiser = run.network()
    model.load_state_dict(fge_start[0])
    optimiser.load_state_dict(fge_start[1])
    cycle = presets.fge_cycle(p, run.iterations_per_epoch)
    state = {"lr": float("nan"), "sum": None, "snapshots": 0}
    rows, results = [], []
    iteration, done, elapsed = 0, first, 0.0
    if saved is not None:
        st, iteration, done, elapsed = run.restore("fge", saved, model, optimiser)
        state, rows, results = st["fge"], st["rows"], st["results"]

    def before(i):
        state["lr"] = presets.fge_lr(i, cycle, f["lr1"], f["lr2"])
        run.set_lr(optimiser, state["lr"])

    def after(i):
        if presets.fge_snapshot(i, cycle):
            probs = run.probabilities(model)
            state["sum"] = probs if state["sum"] is None else state["sum"] + probs
            state["snapshots"] += 1

    start = time.perf_counter() - elapsed
    try:
        for e in range(done, p["budget_epochs"]):
            t0 = time.perf_counter()
            loss, acc, steps = run.train_epoch(model, optimiser, e, iteration, before, after)
            iteration += steps
            m = None
            text = f"fge epoch {e + 1}/{p['budget_epochs']} lr {state['lr']:.4g} loss {loss:.4f} train {acc:.2f}%"
            if state["snapshots"] > 0:
                m = prediction_metrics(state["sum"] / state["snapshots"], run.data.test_labels)
                text += f" | fge ({state['snapshots']} snapshots) test {m[0]:.2f}% nll {m[1]:.4f}"
            rows.append(epoch_row(e + 1, state["lr"], loss, acc, m, time.perf_counter() - start))
            if e + 1 == p["budget_epochs"]:
                if m is None:
                    raise ValueError(f"FGE took no snapshot in {p['budget_epochs'] - first} epochs (cycle {cycle} iterations)")
                results.append(budget_result(1.0, e + 1, m))
            run.line(text + f" ({time.perf_counter() - t0:.1f}s)")
            run.save_epoch("fge", model, optimiser, e + 1, iteration, time.perf_counter() - start,
                           fge=state, rows=rows, results=results)
    except Diverged as d:
        run.line(f"fge DIVERGED in epoch {d.epoch}")
        return run.finish("fge", {"fge": ("diverged", d.epoch, rows, [])})
    return run.finish("fge", {"fge": ("finished", None, rows, results)})


def swa_job(run):
    """The swa and swag records of the one SWA run (either may be absent from the preset's methods)."""
    p = run.p
    methods = p["methods"]
    with_swa = "swa" in methods
    with_swag = bool({"swag", "multiswag"} & set(methods))
    total = presets.swa_epochs(p)
    saved = run.resumed("swa")
    if saved is not None and "outcome" in saved:
        records, run.bma = saved["outcome"]
        return records
    model, optimiser = run.network()
    swa = Average(model)
    posterior = swag.Swag(model, presets.swag_options(p)["rank"]) if with_swag else None
    swag_at = {presets.epochs_at(p, b): b for b in presets.swag_budgets(p)} if with_swag else {}
    work = None
    rows = {"swa": [], "swag": []}
    results = {"swa": [], "swag": []}
    run.bma = {}
    iteration, done, elapsed = 0, 0, 0.0
    if saved is not None:
        st, iteration, done, elapsed = run.restore("swa", saved, model, optimiser)
        swa.load(st["swa"])
        if with_swag:
            posterior.load(st["swag"])
        rows, results, run.bma = st["rows"], st["results"], st["bma"]
    start = time.perf_counter() - elapsed
    try:
        for e in range(done, total):
            t0 = time.perf_counter()
            lr = presets.swa_lr(p, e)
            run.set_lr(optimiser, lr)
            loss, acc, steps = run.train_epoch(model, optimiser, e, iteration)
            iteration += steps
            if presets.swa_averages_after(p, e):
                swa.update(model)
                if with_swag:
                    posterior.collect(model)
            text = f"swa epoch {e + 1}/{total} lr {lr:.4g} loss {loss:.4f} train {acc:.2f}%"
            m = None
            if with_swa and swa.count > 0:
                run.recalibrate(swa.model, e)
                m = run.evaluate(swa.model)
                text += f" | swa (n={swa.count}) test {m[0]:.2f}% nll {m[1]:.4f}"
            g = None
            if e + 1 in swag_at:
                if work is None:
                    work = copy.deepcopy(model)
                b = swag_at[e + 1]
                run.bma[b] = bayesian_average(run, posterior, work, e)
                g = prediction_metrics(run.bma[b], run.data.test_labels)
                results["swag"].append(budget_result(b, e + 1, g))
                text += (f" | swag (n={posterior.count}, {len(posterior.deviations)} deviations, S={presets.swag_options(p)['samples']}) "
                         f"test {g[0]:.2f}% nll {g[1]:.4f}")
            seconds = time.perf_counter() - start
            rows["swa"].append(epoch_row(e + 1, lr, loss, acc, m, seconds))
            rows["swag"].append(epoch_row(e + 1, lr, loss, acc, g, seconds))
            if with_swa:
                for b in p["swa"]["budgets"]:
                    if presets.epochs_at(p, b) == e + 1:
                        results["swa"].append(budget_result(b, e + 1, m))
            run.line(text + f" ({time.perf_counter() - t0:.1f}s)")
            run.save_epoch("swa", model, optimiser, e + 1, iteration, time.perf_counter() - start,
                           swa=swa.state(), swag=posterior.state() if with_swag else None, rows=rows, results=results,
                           bma=run.bma)
    except Diverged as d:
        run.line(f"swa DIVERGED in epoch {d.epoch}")
        run.bma = {}
        records = {k: ("diverged", d.epoch, rows[k], []) for k in ("swa", "swag") if k in methods}
        run.finish("swa", (records, run.bma))
        return records
    records = {k: ("finished", None, rows[k], results[k]) for k in ("swa", "swag") if k in methods}
    run.finish("swa", (records, run.bma))
    return records


def bayesian_average(run, posterior, work, epoch):
    """The SWAG model average after 0-based epoch `epoch`: draw s BatchNorm-updated on pass epoch + s."""
    g = presets.swag_options(run.p)
    return swag.bayesian_average(posterior, work, swag_sample_seeds(run.seed, g["samples"]), g["scale"],
                                 lambda net, s: run.recalibrate(net, epoch + s), run.probabilities)


def run_seed(run):
    """Every method of the preset for one seed: {method: (status, diverged epoch, epoch rows, results)}."""
    methods = run.p["methods"]
    out = {}
    if {"sgd", "ema", "fge"} & set(methods):
        records, fge_start, diverged_at = sgd_job(run)
        out.update(records)
        if "fge" in methods:
            if fge_start is None:
                run.line(f"fge: the SGD run diverged in epoch {diverged_at}, before FGE's start")
                out["fge"] = ("diverged", diverged_at, [], [])
            else:
                out.update(fge_job(run, fge_start))
    if {"swa", "swag", "multiswag"} & set(methods):
        out.update(swa_job(run))
    return out


class SeedsMissing(Exception):
    """MultiSWAG needs every seed's swag record; these seeds have none that is done."""

    def __init__(self, seeds):
        super().__init__(f"seeds {seeds} have no finished swag record yet")
        self.seeds = seeds


def multiswag_job(p, out):
    """The multiswag record of every seed 1..N from the kept SWAG model averages of the ResultsDirectory `out`:
    {seed: (status, diverged epoch, [], results)}; a seed pooling a diverged swag run is diverged at its
    epoch. Raises SeedsMissing while some seed's swag run is not done."""
    n = p["seeds"]
    swag_records = {k: out.record("swag", k) for k in range(1, n + 1)}
    missing = [k for k, r in swag_records.items() if r is None or r.get("status") not in ("finished", "diverged")]
    if missing:
        raise SeedsMissing(missing)
    outcome = {}
    for k in range(1, n + 1):
        members = swag.multiswag_members(k, n, presets.swag_options(p)["multiswag_models"])
        diverged = [swag_records[j] for j in members if swag_records[j]["status"] == "diverged"]
        if diverged:
            outcome[k] = ("diverged", diverged[0]["diverged_epoch"], [], [])
            continue
        results = []
        for b in presets.swag_budgets(p):
            kept = []
            for j in members:
                pair = out.read_bma(j, b)
                if pair is None:
                    raise ValueError(f"seed {j}'s swag record is finished but its model average at budget {b} is missing "
                                     f"({out.bma_path(j, b)}); remove {out.record_path('swag', j)} and run seed {j} again")
                kept.append(pair)
            labels = kept[0][1]
            if any(not np.array_equal(lab, labels) for _, lab in kept):
                raise ValueError(f"the model averages of seeds {members} at budget {b} are of different test sets")
            results.append(budget_result(b, presets.epochs_at(p, b),
                                         prediction_metrics(swag.multiswag([q for q, _ in kept]), labels)))
        outcome[k] = ("finished", None, [], results)
    return outcome
