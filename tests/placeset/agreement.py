"""Agreement between the first pass (``decisions.jsonl``) and the blind second pass
(``pass2.jsonl``, a fifth of the articles) of the place-name decisions.

Usage::

    python tests/placeset/agreement.py

Prints, over the names both passes decided (``unsure`` left out), the share of equal labels,
Cohen's kappa, and P/R/F1 of the second pass's ``place`` against the first's.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _labels(path: Path) -> dict[tuple[str, int, int], str]:
    out = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            row = json.loads(line)
            out[row["article"], row["start"], row["end"]] = row["label"]
    return out


def main() -> int:
    first, second = _labels(HERE / "decisions.jsonl"), _labels(HERE / "pass2.jsonl")
    both = [k for k in second if k in first and "unsure" not in (first[k], second[k])]
    n = len(both)
    same = sum(first[k] == second[k] for k in both)
    a = sum(first[k] == "place" for k in both)
    b = sum(second[k] == "place" for k in both)
    tp = sum(first[k] == second[k] == "place" for k in both)
    expected = (a / n) * (b / n) + (1 - a / n) * (1 - b / n)
    kappa = (same / n - expected) / (1 - expected)
    p, r = tp / b, tp / a
    print(f"{n} names decided by both passes ({len(second) - n} left out as unsure): "
          f"agreement {same / n:.3f}, kappa {kappa:.3f}; second pass's places against the "
          f"first's P={p:.3f} R={r:.3f} F1={2 * p * r / (p + r):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
