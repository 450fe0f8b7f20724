"""Agreement between the first pass (``decisions.jsonl``) and the blind second pass
(``pass2.jsonl``, a fifth of the articles) of the place-name decisions.

Usage::

    python tests/placeset/agreement.py

Prints, over the names both passes decided (a name either pass left ``unsure`` is counted
apart), the share of equal labels, Cohen's kappa, P/R/F1 of the second pass's ``place``
against the first's, and each name they differ on.
"""

from __future__ import annotations

import json
from pathlib import Path

from geomap.evaluate import PRF

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
    missing = [k for k in second if k not in first]
    unsure = [k for k in second if k in first and "unsure" in (first[k], second[k])]
    both = [k for k in second if k in first and k not in unsure]
    n = len(both)
    if not n:
        print("no name decided by both passes")
        return 1
    same = sum(first[k] == second[k] for k in both)
    a = sum(first[k] == "place" for k in both)
    b = sum(second[k] == "place" for k in both)
    tp = sum(first[k] == second[k] == "place" for k in both)
    expected = (a / n) * (b / n) + (1 - a / n) * (1 - b / n)
    kappa = (same / n - expected) / (1 - expected) if expected < 1 else 1.0
    places = PRF.of(tp, b, a)  # the second pass's places against the first's
    print(f"{len(second)} names in the second pass: {n} decided by both, {len(unsure)} unsure "
          f"in one pass, {len(missing)} not in the first pass")
    print(f"agreement {same / n:.3f}, kappa {kappa:.3f}; the second pass's places against the "
          f"first's: P={places.precision:.3f} R={places.recall:.3f} F1={places.f1:.3f}")
    for k in sorted(k for k in both if first[k] != second[k]) + sorted(unsure):
        print(f"  {k[0]} {k[1]}:{k[2]}: first {first[k]}, second {second[k]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
