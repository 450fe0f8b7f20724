"""Score event detection on the hand-labelled test set in tests/eventset/events.jsonl.

Usage::

    python tests/eval_events.py [--verbose] [--file tests/eventset/events.jsonl]

Each item is one short news text with a publication date and its gold events (type, optional
sub-type, place name with lat/lon, optional ISO country code for country-level places, date).
The full pipeline (spaCy model, gazetteer, resolver, event detection) runs on every item;
only events reported as having happened (modality 'asserted') count as predictions.

Within an item, predictions and gold events are paired greedily by agreement (same type: +2,
place within 25 km or the same country for a country-level gold place: +2, same date: +1);
a pair needs the type or the place to agree. Reported:

- type accuracy and place accuracy over matched pairs,
- event precision and recall (matched / predicted, matched / gold),
- strict precision/recall (type and place both right), and date accuracy over matched pairs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazetteer.geometry import haversine_km

HERE = Path(__file__).resolve().parent
DEFAULT_FILE = HERE / "eventset" / "events.jsonl"
PLACE_KM = 25.0


@dataclass(frozen=True)
class Pair:
    gold: dict[str, Any]
    pred: Any
    type_ok: bool
    place_ok: bool
    date_ok: bool


def place_ok(gold: dict[str, Any], pred: Any) -> bool:
    if haversine_km(gold["lat"], gold["lon"], pred.place.lat, pred.place.lon) <= PLACE_KM:
        return True
    code = gold.get("country")
    return bool(code) and pred.place.country_code == code and pred.place.feature_code.startswith(
        "PCL")


def match(golds: list[dict[str, Any]], preds: list[Any]) -> list[Pair]:
    scored = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            t_ok = p.event_type == g["type"]
            p_ok = place_ok(g, p)
            d_ok = p.date is not None and p.date.isoformat() == g.get("date")
            if t_ok or p_ok:
                scored.append((-(2 * t_ok + 2 * p_ok + d_ok), gi, pi, t_ok, p_ok, d_ok))
    scored.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi, t_ok, p_ok, d_ok in scored:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append(Pair(golds[gi], preds[pi], t_ok, p_ok, d_ok))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)

    from geomap.pipeline import Pipeline
    from geomap.types import Document

    items = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    docs = [Document(it["id"], it["text"], published=dt.date.fromisoformat(it["published"]))
            for it in items]
    pipe = Pipeline().load()
    results = {r.document.id: r for r in pipe.analyze(docs)}

    n_gold = n_pred = 0
    pairs: list[Pair] = []
    for it in items:
        preds = [e for e in results[it["id"]].events if e.modality == "asserted"]
        golds = it["events"]
        got = match(golds, preds)
        n_gold += len(golds)
        n_pred += len(preds)
        pairs.extend(got)
        if args.verbose:
            ok = len(got) == len(golds) == len(preds) and all(p.type_ok and p.place_ok for p in got)
            print(f"{'  ' if ok else '!!'} {it['id']}: gold "
                  f"{[(g['type'], g['place'], g.get('date')) for g in golds]}")
            for e in results[it["id"]].events:
                print(f"      pred {e.modality:12s} {e.event_type} / {e.sub_event_type} @ "
                      f"{e.place.name} ({e.location_precision}) {e.date} trig={e.trigger!r}")

    matched = len(pairs)
    strict = sum(p.type_ok and p.place_ok for p in pairs)

    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    print(f"items: {len(items)}  gold events: {n_gold}  predicted (asserted): {n_pred}  "
          f"matched: {matched}")
    print(f"type accuracy (matched):   {ratio(sum(p.type_ok for p in pairs), matched):.3f}")
    print(f"place accuracy (<= {PLACE_KM:.0f} km): {ratio(sum(p.place_ok for p in pairs), matched):.3f}")
    print(f"date accuracy (matched):   {ratio(sum(p.date_ok for p in pairs), matched):.3f}")
    print(f"event precision:           {ratio(matched, n_pred):.3f}")
    print(f"event recall:              {ratio(matched, n_gold):.3f}")
    print(f"strict precision / recall: {ratio(strict, n_pred):.3f} / {ratio(strict, n_gold):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
