"""The arithmetic the fitted linear models share (the recogniser's second look, the event
document model), and the check their weights files pass."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping


def logistic(bias: float, weights: Mapping[str, float], feats: Iterable[str]) -> float:
    """The logistic probability of sparse binary features: unknown features weigh nothing.

    >>> round(logistic(0.5, {"a": 2.0, "b": -1.0}, ["a", "b", "c"]), 4)
    0.8176
    """
    score = bias + sum(weights.get(f, 0.0) for f in feats)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))


def finite(value: object) -> bool:
    """A real number a weights file may hold (not a bool, NaN or infinity).

    >>> finite(0.5), finite(True), finite(float("nan")), finite("1")
    (True, False, False, False)
    """
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)
