"""Score event detection on the event sets in tests/eventset/.

Usage::

    python tests/eval_events.py --split tune        # decide on this one
    python tests/eval_events.py --split heldout     # read only when a change is finished
    python tests/eval_events.py --file tests/eventset/events.jsonl [--verbose]

Splits (see tests/eventset/GUIDELINE.md for how the sets were made):

- ``tune``: two thirds of the real-news articles of ../shared/eval (LGL, TR-News) annotated by
  us (``realnews_tune.jsonl``) plus the hand-written items of ``events.jsonl``;
- ``heldout``: the other third (``realnews_heldout.jsonl``) plus ``heldout.jsonl``.

The full pipeline (spaCy model, gazetteer, resolver, event detection) runs on every article;
only events reported as having happened (modality ``asserted``) count as predictions.
Within an article, predictions and gold events are paired one to one, greedily by agreement
(same type +2, place within 25 km or in the gold country when the gold place is a country +2,
same date +1); a pair needs the type or the place to agree. Reported, each with a 95%
interval from a bootstrap over articles:

- precision and recall: a prediction counts when it has the gold event's type and lies
  within 25 km of its place (predicted / gold events);
- type accuracy over pairs whose place is right, place accuracy over pairs whose type is right;
- date accuracy over right pairs whose gold event has a date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.distance import great_circle

HERE = Path(__file__).resolve().parent
EVENTSET = HERE / "eventset"
DEFAULT_FILE = EVENTSET / "events.jsonl"
SPLITS = {
    "tune": (EVENTSET / "realnews_tune.jsonl", EVENTSET / "events.jsonl"),
    "heldout": (EVENTSET / "realnews_heldout.jsonl", EVENTSET / "heldout.jsonl"),
}
PLACE_KM = 25.0
EARTH_KM = 6371.0088


@dataclass(frozen=True)
class Pair:
    gold: dict[str, Any]
    pred: Any
    type_ok: bool
    place_ok: bool
    date_ok: bool


SHARED_EVAL = HERE.parents[1] / "shared" / "eval"


def _corpus_texts(corpus: str) -> dict[str, str]:
    path = SHARED_EVAL / f"{corpus}.jsonl"
    if not path.exists():
        raise SystemExit(f"eval_events: {path} is missing; the real-news event sets need the "
                         "articles of ../shared/eval")
    texts = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            doc = json.loads(line)
            texts[doc["id"]] = doc["text"]
    return texts


def load_items(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Items of the given event-set files; real-news items get their text from ../shared/eval."""
    items = []
    texts: dict[str, dict[str, str]] = {}
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                item = json.loads(line)
                if "text" not in item:
                    corpus = item["corpus"]
                    if corpus not in texts:
                        texts[corpus] = _corpus_texts(corpus)
                    item["text"] = texts[corpus][item["doc_id"]]
                items.append(item)
    return items


def place_ok(gold: dict[str, Any], pred: Any) -> bool:
    if gold.get("lat") is None or gold.get("lon") is None:
        return False  # a place the gazetteer lacks: no prediction can be checked against it
    km = great_circle((gold["lat"], gold["lon"]), (pred.place.lat, pred.place.lon),
                      radius=EARTH_KM).km
    if km <= PLACE_KM:
        return True
    code = gold.get("country")
    return bool(code) and pred.place.country_code == code and pred.place.feature_code.startswith(
        "PCL")


def match(golds: list[dict[str, Any]], preds: Sequence[Any]) -> list[Pair]:
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


@dataclass(frozen=True)
class Counts:
    """Per-article counts; metrics are ratios of sums, so articles can be resampled."""

    gold: int
    pred: int
    strict: int
    place_right: int
    type_right_given_place: int
    type_right: int
    place_right_given_type: int
    dated: int
    date_right: int
    excused: int = 0  # predictions taken by a gold event whose place has no point


def located(gold: dict[str, Any]) -> bool:
    return gold.get("lat") is not None and gold.get("lon") is not None


def counts(golds: list[dict[str, Any]], preds: Sequence[Any]) -> Counts:
    """Counts of one article. A gold event whose place has no point (the gazetteer lacks it)
    cannot be checked: it leaves the gold, and the prediction of its type it pairs with (if
    any) is excused, neither right nor wrong. Strict pairs always pair first, so such an event
    never takes a prediction another event gets right (type and place); a prediction only
    placed right for another event may be taken, as the pairing is greedy."""
    pairs = match(golds, preds)
    excused = [p for p in pairs if not located(p.gold)]
    pairs = [p for p in pairs if located(p.gold)]
    strict = [p for p in pairs if p.type_ok and p.place_ok]
    dated = [p for p in strict if p.gold.get("date")]
    return Counts(
        gold=sum(located(g) for g in golds), pred=len(preds) - len(excused), strict=len(strict),
        place_right=sum(p.place_ok for p in pairs),
        type_right_given_place=sum(p.type_ok for p in pairs if p.place_ok),
        type_right=sum(p.type_ok for p in pairs),
        place_right_given_type=sum(p.place_ok for p in pairs if p.type_ok),
        dated=len(dated), date_right=sum(p.date_ok for p in dated), excused=len(excused))


METRICS: dict[str, Callable[[Counts], tuple[int, int]]] = {
    "precision": lambda c: (c.strict, c.pred),
    "recall": lambda c: (c.strict, c.gold),
    "type accuracy (right place)": lambda c: (c.type_right_given_place, c.place_right),
    "place within 25 km (right type)": lambda c: (c.place_right_given_type, c.type_right),
    "date accuracy (gold dated)": lambda c: (c.date_right, c.dated),
}


def _sum(per_article: Sequence[Counts]) -> Counts:
    fields = Counts.__dataclass_fields__
    return Counts(**{f: sum(getattr(c, f) for c in per_article) for f in fields})


def summarize(per_article: Sequence[Counts], *, resamples: int = 1000,
              seed: int = 0) -> dict[str, tuple[float, float, float, int]]:
    """metric -> (value, low, high, denominator), the interval a 95% bootstrap over articles."""
    total = _sum(per_article)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {m: [] for m in METRICS}
    n = len(per_article)
    for _ in range(resamples if n else 0):
        s = _sum([per_article[rng.randrange(n)] for _ in range(n)])
        for m, f in METRICS.items():
            a, b = f(s)
            if b:
                samples[m].append(a / b)
    out = {}
    for m, f in METRICS.items():
        a, b = f(total)
        vals = sorted(samples[m])
        lo = vals[int(0.025 * (len(vals) - 1))] if vals else float("nan")
        hi = vals[int(0.975 * (len(vals) - 1))] if vals else float("nan")
        out[m] = (a / b if b else float("nan"), lo, hi, b)
    return out


def predict(items: list[dict[str, Any]], pipe: Any = None, *, rules_only: bool = False
            ) -> dict[str, list[Any]]:
    from geomap.pipeline import Pipeline
    from geomap.types import Document

    pipe = pipe or Pipeline(event_model=None if rules_only else "default").load()
    docs = [Document(it["id"], it["text"], published=(
        dt.date.fromisoformat(it["published"]) if it.get("published") else None)) for it in items]
    return {r.document.id: [e for e in r.events if e.modality == "asserted"]
            for r in pipe.analyze(docs)}


def report(items: list[dict[str, Any]], preds: dict[str, list[Any]], *, label: str) -> None:
    per = [counts(it["events"], preds.get(it["id"], [])) for it in items]
    total = _sum(per)
    unlocated = sum(not located(g) for it in items for g in it["events"])
    print(f"{label}: {len(items)} articles, {total.gold} gold events, "
          f"{total.pred} predicted (asserted), {total.strict} right"
          + (f"; {unlocated} gold events without a point left out, {total.excused} "
             "predictions of their type excused" if unlocated else ""))
    for m, (v, lo, hi, b) in summarize(per).items():
        print(f"  {m:32s} {v:.3f}  [{lo:.3f}, {hi:.3f}]  (n={b})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--split", choices=sorted(SPLITS))
    group.add_argument("--file", type=Path, action="append")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--rules-only", action="store_true",
                        help="the taxonomy's rules alone, without the fitted event model")
    args = parser.parse_args(argv)

    paths = list(SPLITS[args.split]) if args.split else (args.file or [DEFAULT_FILE])
    items = load_items(paths)
    if not items:
        print(f"no items in {', '.join(map(str, paths))}", file=sys.stderr)
        return 2
    preds = predict(items, rules_only=args.rules_only)
    if args.verbose:
        for it in items:
            got = preds.get(it["id"], [])
            c = counts(it["events"], got)
            ok = c.strict == c.gold == c.pred
            print(f"{'  ' if ok else '!!'} {it['id']}: gold "
                  f"{[(g['type'], g['place'], g.get('date')) for g in it['events']]}")
            for e in got:
                print(f"      pred {e.event_type} / {e.sub_event_type} @ {e.place.name} "
                      f"({e.location_precision}) {e.date} trig={e.trigger!r}")
    for path in paths:
        part = {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").split("\n")
                if line.strip()} if path.exists() else set()
        sub = [it for it in items if it["id"] in part]
        if sub and len(paths) > 1:
            report(sub, preds, label=path.name)
        eventful = [it for it in sub if it["events"]]
        if sub and "corpus" in sub[0] and 0 < len(eventful) < len(sub):
            # the articles a user would map: real news that reports events
            report(eventful, preds, label=f"{path.name}, articles with events only")
    report(items, preds, label=args.split or ", ".join(p.name for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
