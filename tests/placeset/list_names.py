"""List the names the recogniser's second look reconsiders in the written articles: the items
the annotators decide (``GUIDELINE.md``).

Usage::

    python tests/placeset/list_names.py OUT.jsonl

Runs the pipeline with the second look off over ``tests/eventset/written.jsonl`` and
``written_next/*.jsonl`` and writes one JSON line per name: ``{"article", "start", "end",
"name", "context"}``, the context being the name's sentence with the name marked
``[[like this]]``. Annotators add ``"label"`` (place, not, unsure) to each line; the labelled
lines are ``decisions.jsonl``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from fit_recogniser import _nlp, char_span, written_files  # noqa: E402

from geomap.errors import GeomapError  # noqa: E402
from geomap.io import check_output, write_text_atomic  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/placeset/list_names.py OUT.jsonl", file=sys.stderr)
        return 2
    try:  # never over the articles or the annotations
        check_output(argv[0], [*written_files(), *sorted(HERE.glob("*.jsonl"))])
    except GeomapError as exc:
        print(f"list_names.py: {exc}", file=sys.stderr)
        return 2
    nlp, ruler = _nlp()
    items = [json.loads(line) for path in written_files()
             for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    rows = []
    for it, doc in zip(items, nlp.pipe(it["text"] for it in items), strict=True):
        text = it["text"]
        for start, end, _fcl, _feats in ruler.second_look_candidates(doc):
            s, e = char_span(doc, start, end)
            sent = doc[start].sent
            context = (text[sent.start_char:s] + "[[" + text[s:e] + "]]"
                       + text[e:sent.end_char]).replace("\n", " ")
            rows.append({"article": it["id"], "start": s, "end": e, "name": text[s:e],
                         "context": context})
    try:
        write_text_atomic(argv[0], "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                           for r in rows))
    except GeomapError as exc:
        print(f"list_names.py: {exc}", file=sys.stderr)
        return 2
    print(f"{len(rows)} names in {len({r['article'] for r in rows})} articles: {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
