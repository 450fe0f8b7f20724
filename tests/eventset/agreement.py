"""Agreement between the first annotation and the blind second pass on a 20% sample.

Usage::

    python tests/eventset/agreement.py              # the real-news annotation
    python tests/eventset/agreement.py --written    # the written articles Q-X (written_next/)

The second pass (tests/eventset/agreement/*.jsonl) re-annotated the articles of
agreement_sample.tsv without seeing the first (tests/eventset/raw/*.jsonl). Events of the
two passes are paired one to one within an article, first by type and place together, then by
place alone; a place agrees when the two place spans overlap or name the same place (same
words, case-insensitive). Prints precision, recall and F1 of the second pass against the first
for "type and place" and for "place only", and the type agreement over place-matched pairs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _load(paths: list[Path]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                rec = json.loads(line)
                out.setdefault((rec["corpus"], rec["id"]), rec["events"])
    return out


def _same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["place"].strip().lower() == b["place"].strip().lower():
        return True
    return a["place_quote"] == b["place_quote"] or (
        a["place"] in b["place_quote"] and b["place"] in a["place_quote"])


def _pairs(first: list[dict[str, Any]], second: list[dict[str, Any]], *, typed: bool
           ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    used: set[int] = set()
    out = []
    for a in first:
        for j, b in enumerate(second):
            if j in used or not _same_place(a, b) or (typed and a["type"] != b["type"]):
                continue
            used.add(j)
            out.append((a, b))
            break
    return out


def main() -> None:
    if "--written" in sys.argv[1:]:
        # the written articles kept aside (written_next/): a blind second pass over 8
        # articles of each file
        first = _load(sorted((HERE / "written_next").glob("written_[Q-X].jsonl")))
        print("== written articles Q-X, 20% sample (written_next/agreement/)")
        report(first, _load(sorted((HERE / "written_next" / "agreement").glob("pass2_*.jsonl"))))
        return
    first = _load(sorted((HERE / "raw").glob("*.jsonl")))
    sample = _load(sorted((HERE / "agreement").glob("*.jsonl")))
    second = {**sample, **_load(sorted((HERE / "pass2").glob("*.jsonl")))}
    for name, part in (("20% sample (agreement/)", sample), ("all articles", second)):
        print(f"== {name}")
        report(first, part)


def report(first: dict[tuple[str, str], list[dict[str, Any]]],
           second: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
    keys = sorted(k for k in second if k in first)
    n1 = sum(len(first[k]) for k in keys)
    n2 = sum(len(second[k]) for k in keys)
    typed = sum(len(_pairs(first[k], second[k], typed=True)) for k in keys)
    placed_pairs = [p for k in keys for p in _pairs(first[k], second[k], typed=False)]
    both_none = sum(not first[k] and not second[k] for k in keys)
    print(f"articles in both passes: {len(keys)} ({both_none} without events in both); "
          f"events: first pass {n1}, second pass {n2}")
    for label, hits in (("type and place", typed), ("place only", len(placed_pairs))):
        p = hits / n2 if n2 else 0.0
        r = hits / n1 if n1 else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  {label:15s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    same_type = sum(a["type"] == b["type"] for a, b in placed_pairs)
    print(f"  type agreement over place-matched pairs: {same_type}/{len(placed_pairs)} = "
          f"{same_type / len(placed_pairs) if placed_pairs else 0:.3f}")
    has1 = {k for k in keys if first[k]}
    has2 = {k for k in keys if second[k]}
    print(f"  articles with events: first {len(has1)}, second {len(has2)}, both {len(has1 & has2)}")


if __name__ == "__main__":
    main()
