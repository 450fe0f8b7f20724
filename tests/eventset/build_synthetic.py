"""Turn the written training articles into one training file for tests/fit_events.py.

Usage::

    python tests/eventset/build_synthetic.py      # reads tests/eventset/written/*.jsonl

The articles of ``written/`` were written and annotated by subagents following
``GUIDELINE.md`` and ``written/README.md``: realistic local and wire news, and many articles
where event words appear in another sense ("stormed back", "a battle over the budget", "killed
in a crash"). They are **training data only**: ``fit_events.py`` fits on them together with the
tune split, cross-validation scores only tune articles, and nothing evaluates on them.

Writes ``tests/eventset/written.jsonl``: per article its id, publication date, text and events
with character offsets of trigger and place and the gazetteer's point for the place: of the
places the name may be, the one the pipeline resolves at the annotated mention in context when
it lies in another country or state than the top one (``coord_source: "gazetteer, read in
context"``), else the top one (``"gazetteer"``);
``lat``/``lon`` null when the gazetteer does not know the place (the event still teaches the
type model, not the place ranker).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from build_realnews import _offsets

HERE = Path(__file__).resolve().parent
OUT = HERE / "written.jsonl"


def _readings_in_context(pipe: Any, text: str) -> list[tuple[int, int, Any]]:
    """(start, end, place) of every mention the pipeline resolves in ``text``."""
    from geomap.mentions import extract_mentions

    doc = pipe.nlp(text)
    mentions = extract_mentions(doc, doc_id="w")
    return [(rp.mention.start, rp.mention.end, rp.place)
            for rp in pipe.resolver.resolve(mentions, text=text) if rp.place is not None]


def build(paths: list[Path]) -> list[dict[str, Any]]:
    from gazetteer import open_gazetteer
    from geomap.pipeline import Pipeline

    gaz = open_gazetteer()
    pipe = Pipeline(gazetteer=gaz).load()
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            rec = json.loads(line)
            text = rec["text"]
            resolved = _readings_in_context(pipe, text) if rec["events"] else []
            events = []
            for ev in rec["events"]:
                ts, te = _offsets(text, ev["trigger"], ev["trigger_quote"])
                ps, pe = _offsets(text, ev["place"], ev["place_quote"])
                item: dict[str, Any] = {
                    "type": ev["type"], "sub_type": ev["sub_type"], "place": ev["place"],
                    "lat": None, "lon": None, "coord_source": None,
                    "date": ev.get("date"), "trigger_start": ts, "trigger_end": te,
                    "place_start": ps, "place_end": pe}
                hits = gaz.lookup(ev["place"], fuzzy=False, limit=20)
                # Of the places the name may be, the one the resolver reads at the annotated
                # mention in context ("Taylor" near Dothan is Taylor, Alabama); else the top one.
                # Only a namesake in another country or state: a same-named province or
                # division of the same state ("Basra" the governorate) is not read for the city.
                ids = {h.place.place_id for h in hits}
                here = [p for s, e, p in resolved if s < pe and ps < e and p.place_id in ids
                        and (p.country_code, p.admin1) != (hits[0].place.country_code,
                                                           hits[0].place.admin1)]
                if hits:
                    place = here[0] if here else hits[0].place
                    item.update(lat=place.lat, lon=place.lon,
                                coord_source="gazetteer, read in context" if here else "gazetteer")
                    if place.feature_code.startswith("PCL"):
                        item["country"] = place.country_code
                else:  # still an example of an event word; no example for the place ranker
                    print(f"no coordinates for {ev['place']!r} in {rec['id']}", file=sys.stderr)
                events.append(item)
            out.append({"id": rec["id"], "corpus": "written", "published": rec.get("published"),
                        "text": text, "events": events})
    out.sort(key=lambda r: r["id"])
    return out


def main() -> None:
    items = build(sorted((HERE / "written").glob("*.jsonl")))
    OUT.write_text("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items),
                   encoding="utf-8")
    n_ev = sum(len(it["events"]) for it in items)
    print(f"{len(items)} written articles ({sum(bool(it['events']) for it in items)} with "
          f"events), {n_ev} events -> {OUT.name}")


if __name__ == "__main__":
    main()
