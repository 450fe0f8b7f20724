"""Error breakdown of the toponym pipeline on a gold corpus (a development script, not a test).

    python tests/eval_errors.py GOLD.jsonl [--model M] [--limit N] [--show 40]

Classifies every gold toponym as: missed (no overlapping prediction), correct (<= 161 km),
or wrong, and splits the wrong ones into "a right candidate existed but ranking chose
another", "the right country/state but its point is > 161 km from the gold gazetteer's",
"gazetteer lacks a candidate within 161 km of the gold point" and "unresolved".
Lists the most frequent surfaces per class and the most frequent false positives.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

# This checkout's geomap, not an installed one (the script's own directory comes first on sys.path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gazetteer.geometry import haversine_km  # noqa: E402
from geomap.evaluate import ACC_KM, error_km, evaluate, match_lenient  # noqa: E402
from geomap.pipeline import Pipeline  # noqa: E402


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--model")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--show", type=int, default=30)
    args = ap.parse_args(argv)
    pipeline = Pipeline(model=args.model, detect=False).load()
    run = evaluate(pipeline, args.corpus, limit=args.limit)
    gaz = pipeline.gazetteer
    texts = {}
    from geomap.evaluate import iter_gold

    for gd in iter_gold(args.corpus):
        texts[gd.id] = gd.text
    missed: Counter[str] = Counter()
    fps: Counter[str] = Counter()
    no_cand: Counter[str] = Counter()
    ranking: Counter[str] = Counter()
    unresolved: Counter[str] = Counter()
    point_offset: Counter[str] = Counter()
    examples: dict[str, str] = {}
    correct = 0
    for doc_id, gold in run.gold.items():
        pred = run.predictions.get(doc_id, [])
        pairs = match_lenient(gold, pred)
        mg = {gi for gi, _ in pairs}
        mp = {pi for _, pi in pairs}
        for gi, g in enumerate(gold):
            if gi not in mg:
                missed[g.name] += 1
                t = texts[doc_id]
                examples.setdefault("M:" + g.name, t[max(0, g.start - 50):g.end + 30].replace("\n", " "))
        for pi, p in enumerate(pred):
            if pi not in mp:
                fps[p.name] += 1
                t = texts[doc_id]
                examples.setdefault("F:" + p.name, t[max(0, p.start - 50):p.end + 30].replace("\n", " "))
        for gi, pi in pairs:
            g, p = gold[gi], pred[pi]
            if error_km(g, p) <= ACC_KM:
                correct += 1
                continue
            key = f"{p.name} (gold {g.name} {g.lat:.2f},{g.lon:.2f})"
            if p.lat is None:
                unresolved[key] += 1
                continue
            cands = gaz.lookup(p.name, limit=50)
            assert g.lat is not None and g.lon is not None and p.lon is not None
            if any(haversine_km(g.lat, g.lon, c.place.lat, c.place.lon) <= ACC_KM for c in cands):
                ranking[key + f" -> {p.lat:.2f},{p.lon:.2f}"] += 1
            elif cands and any(c.place.feature_code.startswith("PCL") or c.place.feature_code == "ADM1"
                               for c in cands[:1]) and haversine_km(g.lat, g.lon, p.lat, p.lon) < 1500:
                # The right country or state, but its point is not the gold gazetteer's point.
                point_offset[key] += 1
            else:
                no_cand[key] += 1
    n_gold = sum(len(v) for v in run.gold.values())
    print(f"gold {n_gold}; correct {correct}; missed {sum(missed.values())}; "
          f"false positives {sum(fps.values())}; wrong: no candidate within 161 km "
          f"{sum(no_cand.values())}, country/state point offset {sum(point_offset.values())}, "
          f"ranking {sum(ranking.values())}, unresolved {sum(unresolved.values())}")
    for title, counter in (("MISSED", missed), ("FALSE POSITIVES", fps),
                           ("NO CANDIDATE", no_cand), ("POINT OFFSET", point_offset),
                           ("RANKING", ranking),
                           ("UNRESOLVED", unresolved)):
        print(f"\n== {title}")
        for name, n in counter.most_common(args.show):
            ex = examples.get(("M:" if title == "MISSED" else "F:") + name, "")
            print(f"{n:4d}  {name}" + (f"   | {ex}" if ex else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
