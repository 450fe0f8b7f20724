"""Turn the raw real-news event annotations into the scored event sets.

Usage::

    python tests/eventset/build_realnews.py

Reads the adjudicated records (``adjudicated/*.jsonl``: the final annotation of every article
on which the two blind passes disagreed, see ``disagreements.py``) and, for every other
article, the first pass (``raw/*.jsonl``), on which the second pass agreed.

Writes ``tests/eventset/realnews_tune.jsonl`` and ``realnews_heldout.jsonl`` (split by
``split.json``). Each line is one annotated article::

    {"id": "lgl:40450848", "corpus": "lgl", "doc_id": "40450848", "published": null,
     "events": [{"type", "sub_type", "place", "lat", "lon", "date",
     "country"?, "trigger_start", "trigger_end", "place_start", "place_end", "coord_source"}]}

Quotes become character offsets. Gold coordinates are the corpus's gold toponym point when
the annotated place overlaps a gold toponym (``coord_source: "corpus"``), else the
gazetteer's top exact match for the name (``"gazetteer"``), else no point (``lat``, ``lon``
and ``coord_source`` null: the scorer leaves such an event out of the gold and excuses the
prediction of its type it pairs with). ``country`` is set when the
place is a country, so that any point in that country counts as the right place.
The texts are not copied: tests/eval_events.py reads them from ../shared/eval by corpus
and id. Articles the annotators read and found without events are kept (``"events": []``): a
prediction there is a false positive.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EVAL = HERE.parents[2] / "shared" / "eval"


def _docs() -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for corpus in ("lgl", "trnews"):
        for line in (EVAL / f"{corpus}.jsonl").read_text(encoding="utf-8").split("\n"):
            if line.strip():
                doc = json.loads(line)
                out[(corpus, doc["id"])] = doc
    return out


def _offsets(text: str, word: str, quote: str) -> tuple[int, int]:
    q = text.index(quote)
    w = quote.index(word)
    return q + w, q + w + len(word)


def _gold_point(doc: dict[str, Any], start: int, end: int) -> dict[str, Any] | None:
    best = None
    for t in doc["toponyms"]:
        overlap = min(end, t["end"]) - max(start, t["start"])
        if overlap > 0 and (best is None or overlap > best[0]):
            best = (overlap, t)
    return best[1] if best else None


def build(raw_files: list[Path]) -> dict[str, list[dict[str, Any]]]:
    from gazetteer import open_gazetteer

    gaz = open_gazetteer()
    docs = _docs()
    split = json.loads((HERE / "split.json").read_text(encoding="utf-8"))
    split_of = {(c, i): name for name, by in split.items() for c, ids in by.items() for i in ids}
    out: dict[str, list[dict[str, Any]]] = {"tune": [], "heldout": []}
    seen: set[tuple[str, str]] = set()
    for path in raw_files:
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            rec = json.loads(line)
            key = (rec["corpus"], rec["id"])
            if key in seen:
                continue  # an article annotated twice (agreement sample) counts once
            seen.add(key)
            doc = docs[key]
            events = []
            for ev in rec["events"]:
                ts, te = _offsets(doc["text"], ev["trigger"], ev["trigger_quote"])
                ps, pe = _offsets(doc["text"], ev["place"], ev["place_quote"])
                gold = _gold_point(doc, ps, pe)
                item: dict[str, Any] = {"type": ev["type"], "sub_type": ev["sub_type"],
                                        "place": ev["place"], "date": ev.get("date"),
                                        "trigger_start": ts, "trigger_end": te,
                                        "place_start": ps, "place_end": pe}
                place = None
                if gold is not None:
                    item.update(lat=gold["lat"], lon=gold["lon"], coord_source="corpus")
                    place = gaz.get(f"geonames:{gold['geonameid']}")
                else:
                    hits = gaz.lookup(ev["place"], fuzzy=False, limit=1)
                    if hits:
                        place = hits[0].place
                        item.update(lat=place.lat, lon=place.lon, coord_source="gazetteer")
                    else:
                        # kept without a point: the article does report it (training sees the
                        # trigger as an event); the scorer leaves it out of the gold and
                        # excuses the prediction of its type it pairs with
                        print(f"no coordinates for {ev['place']!r} in {key}", file=sys.stderr)
                        item.update(lat=None, lon=None, coord_source=None)
                if place is not None and place.feature_code.startswith("PCL"):
                    item["country"] = place.country_code
                events.append(item)
            # The article's text stays in ../shared/eval (the scorer reads it from there).
            out[split_of[key]].append({
                "id": f"{key[0]}:{key[1]}", "corpus": key[0], "doc_id": key[1],
                "published": None, "events": events})
    for name in out:
        out[name].sort(key=lambda r: r["id"])
    return out


def main() -> None:
    # the first file naming an article wins: adjudicated records before the first pass
    raw = sorted((HERE / "adjudicated").glob("*.jsonl")) + sorted((HERE / "raw").glob("*.jsonl"))
    out = build(raw)
    for name, items in out.items():
        path = HERE / f"realnews_{name}.jsonl"
        path.write_text("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items),
                        encoding="utf-8")
        n_ev = sum(len(it["events"]) for it in items)
        n_with = sum(bool(it["events"]) for it in items)
        print(f"{name}: {len(items)} articles ({n_with} with events), {n_ev} events -> {path.name}")


if __name__ == "__main__":
    main()
