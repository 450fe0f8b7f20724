"""Throughput of the toponym pipeline against bare ``nlp.pipe`` of the same model, same texts.

    python tests/benchmarks/bench_toponyms.py [CORPUS.jsonl] [--model M] [--limit N] [--repeat R]

CORPUS is JSON Lines with a "text" field (default: ../shared/eval/lgl.jsonl if present). Both
runs are measured in this process, after a warm-up of each; the best of ``--repeat`` runs is
kept. Prints documents/s and characters/s of each and the ratio (toponyms / bare; the project's
target is >= 0.8).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from geomap.nlp import load_model, prefer_one_blas_thread

prefer_one_blas_thread()  # as the geomap command does, before numpy loads (both runs get it)

from geomap.formats.toponyms import toponym_record  # noqa: E402
from geomap.pipeline import Pipeline  # noqa: E402
from geomap.types import Document  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "lgl.jsonl"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--model")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args(argv)
    if not Path(args.corpus).exists():
        print(f"corpus not found: {args.corpus} (give a JSONL file with a 'text' field)")
        return 2
    texts: list[str] = []
    with open(args.corpus, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)["text"])
            if len(texts) >= args.limit:
                break
    chars = sum(len(t) for t in texts)
    bare = load_model(args.model)
    pipeline = Pipeline(model=args.model, detect=False).load()

    def run_bare() -> None:
        for _ in bare.pipe(texts, batch_size=args.batch_size):
            pass

    def run_toponyms() -> None:
        docs = (Document(str(i), t) for i, t in enumerate(texts))
        for r in pipeline.analyze(docs, batch_size=args.batch_size):
            json.dumps(toponym_record(r.document.id, r.places))

    # Warm-up: model weights, the gazetteer store's pages and lookup caches.
    for _ in bare.pipe(texts[:20]):
        pass
    list(pipeline.analyze(Document(str(i), t) for i, t in enumerate(texts[:20])))
    best = {"bare": float("inf"), "toponyms": float("inf")}
    for _ in range(args.repeat):
        for name, fn in (("bare", run_bare), ("toponyms", run_toponyms)):
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    print(f"model {bare.meta.get('name')} {bare.meta.get('version')}; {len(texts)} docs, "
          f"{chars:,} chars; best of {args.repeat}")
    for name in ("bare", "toponyms"):
        print(f"  {name:9s} {len(texts) / best[name]:8.1f} docs/s {chars / best[name]:12,.0f} chars/s")
    print(f"  ratio toponyms / bare nlp.pipe: {best['bare'] / best['toponyms']:.2f}x (target >= 0.80)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
