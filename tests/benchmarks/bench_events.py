"""Benchmark: geoparsing alone vs geoparsing + event extraction, on the same texts in one run.

Usage::

    python tests/benchmarks/bench_events.py [--repeat 5] [--copies 4]

Texts: the labelled event test set, the reference article (if present), the example
articles and the first ``--realnews`` articles of ../shared/eval/trnews.jsonl and lgl.jsonl
(real news, longer and with more candidate words), repeated ``--copies`` times.
Geoparsing = spaCy model + mention extraction + resolution (``Pipeline(detect=False)``); the
second run adds ``detect_events`` (and nothing
else). Both share one loaded model and gazetteer and alternate, ``--repeat`` times each; the
script prints the median times and their ratio (target: events add at most 25%).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_texts(copies: int, realnews: int = 0) -> list[tuple[str, dt.date | None]]:
    texts: list[tuple[str, dt.date | None]] = []
    eventset = ROOT / "tests" / "eventset" / "events.jsonl"
    for line in eventset.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            texts.append((item["text"], dt.date.fromisoformat(item["published"])))
    seed = ROOT.parent / "shared" / "seeds" / "000_1e4491d8e4347ad4.txt"
    if seed.exists():
        texts.append((seed.read_text(encoding="utf-8"), dt.date(2024, 12, 8)))
    for path in sorted((ROOT / "examples").glob("*.txt")):
        texts.append((path.read_text(encoding="utf-8"), None))
    for corpus in ("trnews", "lgl"):
        path = ROOT.parent / "shared" / "eval" / f"{corpus}.jsonl"
        if realnews and path.exists():
            lines = [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
            texts.extend((json.loads(ln)["text"], None) for ln in lines[:realnews])
    return texts * copies


def main(argv: list[str] | None = None) -> int:
    from geomap.nlp import prefer_one_blas_thread

    prefer_one_blas_thread()  # as the geomap command does, before numpy loads
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--realnews", type=int, default=40,
                        help="real-news articles taken from each corpus in ../shared/eval")
    args = parser.parse_args(argv)

    from geomap.pipeline import Pipeline
    from geomap.types import Document

    texts = load_texts(args.copies, args.realnews)
    docs = [Document(f"b{i}", t, published=p) for i, (t, p) in enumerate(texts)]
    chars = sum(len(d.text) for d in docs)
    pipe = Pipeline().load()
    _ = pipe.taxonomy
    list(pipe.analyze(docs[:20]))  # warm caches (matcher compilation, gazetteer pages)

    def run(detect: bool) -> tuple[float, int]:
        pipe.detect = detect
        start = time.perf_counter()
        n = sum(len(r.events) for r in pipe.analyze(docs))
        return time.perf_counter() - start, n

    base: list[float] = []
    full: list[float] = []
    n_events = 0
    for _ in range(args.repeat):
        base.append(run(False)[0])
        seconds, n_events = run(True)
        full.append(seconds)
    b, f = statistics.median(base), statistics.median(full)
    print(f"documents: {len(docs)} ({chars} characters), events found: {n_events}, "
          f"repeats: {args.repeat}")
    print("whole runs (Pipeline.detect off vs on, alternating):")
    print(f"  geoparsing alone:        {b:.3f} s (median)")
    print(f"  geoparsing + events:     {f:.3f} s (median)")
    print(f"  ratio:                   {f / b:.3f}  (events add {100 * (f / b - 1):.1f}%)")

    # Stage by stage in one pass: less exposed to load from other processes than two runs.
    from geomap.events import detect_events
    from geomap.mentions import extract_mentions
    from geomap.text import sentences_of

    geo_s = ev_s = 0.0
    for _ in range(args.repeat):
        start = time.perf_counter()
        parsed = list(pipe.nlp.pipe([d.text for d in docs]))
        geo_s += time.perf_counter() - start
        for doc, document in zip(parsed, docs, strict=True):
            start = time.perf_counter()
            sentences = sentences_of(doc, doc_id=document.id)
            mentions = extract_mentions(doc, doc_id=document.id, sentences=sentences)
            places = pipe.resolver.resolve(mentions, text=document.text)
            middle = time.perf_counter()
            detect_events(doc, document, sentences, places, taxonomy=pipe.taxonomy,
                          gazetteer=pipe.gazetteer)
            ev_s += time.perf_counter() - middle
            geo_s += middle - start
    ratio = (geo_s + ev_s) / geo_s
    print("stage timing (parse + mentions + resolution vs detect_events, same pass):")
    print(f"  geoparsing:              {geo_s / args.repeat:.3f} s per pass")
    print(f"  event extraction:        {ev_s / args.repeat:.3f} s per pass")
    print(f"  ratio:                   {ratio:.3f}  (events add {100 * (ratio - 1):.1f}%; "
          f"target <= 25%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
