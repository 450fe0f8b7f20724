"""The arithmetic the fitted linear models share (the recogniser's second look, the event
document model), and the check their weights files pass."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from geomap.errors import ModelError


def logistic(bias: float, weights: Mapping[str, float], feats: Iterable[str]) -> float:
    """The logistic probability of sparse binary features: unknown features weigh nothing.

    >>> round(logistic(0.5, {"a": 2.0, "b": -1.0}, ["a", "b", "c"]), 4)
    0.8176
    """
    return sigmoid(bias + sum(weights.get(f, 0.0) for f in feats))


def sigmoid(score: float) -> float:
    """The logistic function of a score, clamped so that no score overflows.

    >>> sigmoid(0.0), 0.0 < sigmoid(-1e9) < 1e-21
    (0.5, True)
    """
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))


def finite(value: object) -> bool:
    """A real number a weights file may hold (not a bool, NaN or infinity).

    >>> finite(0.5), finite(True), finite(float("nan")), finite("1")
    (True, False, False, False)
    """
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def read_logistic(data: object, cutoff: str, problem: str) -> tuple[dict[str, float], float, float]:
    """(weights, bias, cut-off) of a logistic model stored as ``{"weights": {...}, "bias": b,
    cutoff: c}``; ModelError(``problem``) unless every number is finite and the cut-off lies
    in [0, 1]."""
    if not (isinstance(data, dict) and isinstance(data.get("weights"), dict)
            and all(finite(v) for v in (data.get("bias"), data.get(cutoff),
                                        *data["weights"].values()))
            and 0.0 <= data[cutoff] <= 1.0):
        raise ModelError(problem)
    return ({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
            float(data[cutoff]))
