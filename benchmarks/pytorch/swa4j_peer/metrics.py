"""Test metrics as org.swa4j.experiments.metrics.MetricsAccumulator computes them, from probabilities p [N, K]:

    accuracy = 100 * #{argmax p_i == y_i} / N          (argmax: the first largest entry)
    NLL      = -1/N * sum_i log max(p_i[y_i], 1e-12)
    ECE      = 100 * sum_b |B_b|/N * |acc(B_b) - conf(B_b)|, confidence = max_k p_i[k],
               15 equal-width bins over (0, 1]: bin = min(14, max(0, ceil(15 conf) - 1))

and the reliability diagram behind the ECE: per bin b, the mean confidence and the accuracy of B_b in
percent (None for an empty bin) and |B_b|, the field "reliability" of a result record.
"""
from typing import NamedTuple

import numpy as np

BINS = 15
FLOOR = 1e-12


class Metrics(NamedTuple):
    """accuracy %, nll, ece %, and reliability {"confidence": [15], "accuracy": [15], "count": [15]}."""
    accuracy: float
    nll: float
    ece: float
    reliability: dict


def prediction_metrics(probabilities, labels):
    """Metrics of float64 probabilities [N, K] against integer labels [N]."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if p.ndim != 2 or p.shape[0] != y.shape[0] or p.shape[0] == 0:
        raise ValueError(f"probabilities {p.shape} and labels {y.shape} must be [N, classes] and [N], N > 0")
    if not np.isfinite(p).all():
        raise ValueError("probabilities must be finite")
    best = p.argmax(axis=1)
    hit = best == y
    confidence = p[np.arange(len(y)), best]
    nll = -np.log(np.maximum(p[np.arange(len(y)), y], FLOOR)).sum() / len(y)
    bins = np.clip(np.ceil(confidence * BINS).astype(np.int64) - 1, 0, BINS - 1)
    ece = 0.0
    diagram = {"confidence": [], "accuracy": [], "count": []}
    for b in range(BINS):
        members = bins == b
        count = int(members.sum())
        diagram["count"].append(count)
        if count:
            acc_b, conf_b = hit[members].sum() / count, confidence[members].sum() / count
            ece += count / len(y) * abs(acc_b - conf_b)
            diagram["confidence"].append(100.0 * float(conf_b))
            diagram["accuracy"].append(100.0 * float(acc_b))
        else:
            diagram["confidence"].append(None)
            diagram["accuracy"].append(None)
    return Metrics(100.0 * hit.sum() / len(y), float(nll), 100.0 * ece, diagram)
