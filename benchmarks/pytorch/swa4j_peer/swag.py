"""SWA-Gaussian, its Bayesian model average and MultiSWAG, as swa-core's org.swa4j.core.Swag and
BayesianAverage define them (Maddox, Izmailov, Garipov, Vetrov, Wilson, "A Simple Baseline for Bayesian
Uncertainty in Deep Learning", NeurIPS 2019; Wilson & Izmailov, "Bayesian Deep Learning and a
Probabilistic Perspective of Generalization", NeurIPS 2020).

Collected where SWA averages, after trainable weights t_1..t_n (the BatchNorm running statistics are not
part of the Gaussian):

    mean   = (1/n) sum_i t_i                       held as the sum S of the weights
    M2     = sum_i (t_i - mean)^2                  Welford: M2 += n / (n - 1) d_n * d_n
    var    = max(M2 / n, 1e-30)                    = second moment - mean^2, without its cancellation
    d_i    = t_i - S_i / i                         the deviation from the running mean after t_i
    D      = [d_(n-m+1) ... d_n]                   the last m = min(n, K) deviations (none for K = 0)
    sample = mean + sqrt(scale) (sqrt(var) * z1 + D z2 / sqrt(m - 1)),  z1 ~ N(0, I_N), z2 ~ N(0, I_m)

so a sample's covariance is 2 scale Sigma with Sigma = 1/2 (diag(var) + D D^T / (m - 1)); the low-rank
term is left out while fewer than two deviations are held; scale 0 gives the mean exactly. Everything
is held in float64 (the peer's networks are small); a sample is written into a float32 network.

The Bayesian model average over S samples: p(y | x) = (1/S) sum_s softmax(f(x; w_s)), each w_s written
into one working network whose BatchNorm statistics are recomputed on the training data before it
predicts. MultiSWAG of seed k: the equal-weight mean of the averages of seeds k, k+1, ..., k+M-1,
cyclic over the run's seeds 1..N.
"""
import math

import numpy as np
import torch

VARIANCE_FLOOR = 1e-30


def flat_weights(model):
    """The trainable parameters of `model` as one float64 vector, in model.parameters() order."""
    return torch.cat([p.detach().reshape(-1).double() for p in model.parameters()])


class Swag:
    """The moments and the last `rank` deviations of the weight vectors collected (rank 0: SWAG-Diagonal)."""

    def __init__(self, model, rank):
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 0 or rank == 1:
            raise ValueError(f"rank K = {rank}: must be 0 (SWAG-Diagonal) or >= 2")
        n = sum(p.numel() for p in model.parameters())
        self.device = next(model.parameters()).device  # the moments live with the network
        self.rank = rank
        self.count = 0
        self.sum = torch.zeros(n, dtype=torch.float64, device=self.device)
        self.m2 = torch.zeros(n, dtype=torch.float64, device=self.device)
        self.deviations = []  # oldest first, at most `rank`

    def collect(self, model):
        """Folds the weights of `model` in; refuses (ValueError) weights holding NaN or infinity."""
        t = flat_weights(model)
        if t.shape != self.sum.shape:
            raise ValueError(f"a network of {t.numel()} weights; SWAG collected {self.sum.numel()}")
        if not torch.isfinite(t).all():
            raise ValueError("weights contain NaN or infinity; not collected into SWAG")
        n = self.count + 1
        self.sum += t
        d = t - self.sum / n
        if n > 1:
            self.m2 += (n / (n - 1.0)) * d * d
        if self.rank > 0:
            self.deviations.append(d)
            if len(self.deviations) > self.rank:
                self.deviations.pop(0)
        self.count = n

    def mean(self):
        self._require_collected()
        return self.sum / self.count

    def variance(self):
        self._require_collected()
        return torch.clamp(self.m2 / self.count, min=VARIANCE_FLOOR)

    def deviation_matrix(self):
        """D as an [m, N] tensor (rows oldest first); [0, N] for SWAG-Diagonal."""
        if not self.deviations:
            return torch.zeros(0, self.sum.numel(), dtype=torch.float64, device=self.device)
        return torch.stack(self.deviations)

    def covariance(self):
        """Sigma = 1/2 (diag(var) + D^T D / (m - 1)) as a dense [N, N] matrix (for small N: tests)."""
        sigma = torch.diag(self.variance())
        d = self.deviation_matrix()
        if d.shape[0] >= 2:
            sigma = sigma + d.T @ d / (d.shape[0] - 1)
        return 0.5 * sigma

    def sample(self, generator, scale):
        """mean + sqrt(scale) (sqrt(var) * z1 + D z2 / sqrt(m - 1)), the noise drawn from `generator`."""
        if not (isinstance(scale, (int, float)) and 0 <= scale < math.inf):
            raise ValueError(f"scale {scale} must be finite and >= 0")
        mean = self.mean()
        if scale == 0:
            return mean
        # the noise is drawn on the CPU, so a device draws what the CPU draws
        z1 = torch.randn(mean.numel(), generator=generator, dtype=torch.float64).to(self.device)
        noise = self.variance().sqrt() * z1
        d = self.deviation_matrix()
        m = d.shape[0]
        if m >= 2:
            z2 = torch.randn(m, generator=generator, dtype=torch.float64).to(self.device)
            noise += (z2 @ d) / math.sqrt(m - 1.0)
        return mean + math.sqrt(scale) * noise

    def state(self):
        """What `load` restores: the count, the sum, M2 and the kept deviations (tensors copied)."""
        return {"rank": self.rank, "count": self.count, "sum": self.sum.clone(), "m2": self.m2.clone(),
                "deviations": [d.clone() for d in self.deviations]}

    def load(self, state):
        """Restores a `state()` of a SWAG of the same rank over the same number of weights."""
        if state["rank"] != self.rank or state["sum"].shape != self.sum.shape:
            raise ValueError(f"a SWAG state of rank {state['rank']} over {state['sum'].numel()} weights; "
                             f"this SWAG has rank {self.rank} over {self.sum.numel()}")
        self.count = state["count"]
        self.sum = state["sum"].to(self.device, copy=True)
        self.m2 = state["m2"].to(self.device, copy=True)
        self.deviations = [d.to(self.device, copy=True) for d in state["deviations"]]

    def _require_collected(self):
        if self.count == 0:
            raise ValueError("nothing collected into SWAG yet")


@torch.no_grad()
def write_weights(model, vector):
    """Writes a flat float64 weight vector into the parameters of `model` (cast to their type)."""
    offset = 0
    for p in model.parameters():
        p.copy_(vector[offset:offset + p.numel()].view_as(p))
        offset += p.numel()
    if offset != vector.numel():
        raise ValueError(f"a vector of {vector.numel()} weights for a network of {offset}")


def bayesian_average(swag, work, seeds, scale, recalibrate, probabilities):
    """(1/S) sum_s probabilities(w_s): sample s drawn from torch.Generator().manual_seed(seeds[s]) into
    `work`, then recalibrate(work, s) recomputes its BatchNorm statistics before it predicts."""
    if not seeds:
        raise ValueError("samples S must be >= 1")
    total = None
    for s, seed in enumerate(seeds):
        write_weights(work, swag.sample(torch.Generator().manual_seed(seed), scale))
        recalibrate(work, s)
        p = probabilities(work)
        total = p.copy() if total is None else total + p
    return total / len(seeds)


def multiswag_members(seed, seeds, models):
    """The seeds whose averages MultiSWAG of `seed` pools: seed, seed + 1, ..., cyclic over 1..seeds."""
    if not 1 <= models <= seeds:
        raise ValueError(f"MultiSWAG of {models} models needs 1 <= M <= seeds = {seeds}")
    if not 1 <= seed <= seeds:
        raise ValueError(f"seed {seed} is outside 1..{seeds}")
    return [(seed - 1 + j) % seeds + 1 for j in range(models)]


def multiswag(averages):
    """The equal-weight mean of a list of [N, classes] probability arrays."""
    if not averages:
        raise ValueError("MultiSWAG needs at least one model average")
    shapes = {np.shape(a) for a in averages}
    if len(shapes) != 1:
        raise ValueError(f"probability arrays of different shapes {sorted(shapes)}")
    return np.mean(np.stack([np.asarray(a, dtype=np.float64) for a in averages]), axis=0)
