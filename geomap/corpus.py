"""Running geomap over a corpus: streamed, batched, resumable, in constant memory.

A corpus (a JSON Lines file of any size, folders of .txt files) is read one document at a
time and sent through ``nlp.pipe`` in batches, optionally in several processes. What each
document yields is appended to a *partial* file beside the output (``OUT.partial``) as soon
as it is known, so memory does not grow with the corpus and an interrupted run can be
continued with ``resume=True``. The output itself appears under its final name only when
the run completes (written to a temp file, then renamed).

``toponyms_corpus`` streams one line per document. ``extract_corpus`` keeps the events of
every document (small) but never the documents, merges them into corpus-level events at the
end, and writes them as GeoJSON, JSON Lines, CSV, KML or GeoParquet (:mod:`geomap.formats`).
The partial file is :mod:`geomap.journal`; events go into it through :mod:`geomap.codec`.

>>> stats = extract_corpus(["news.jsonl"], "events.geojson", n_process=2)   # doctest: +SKIP
>>> stats.documents, stats.merged_events                                     # doctest: +SKIP
(5000, 7310)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from geomap.codec import event_from_json, to_json
from geomap.errors import GeomapError, InputError
from geomap.formats import format_for_path, get_format, save_events, write_events
from geomap.formats.parquet import require_pyarrow
from geomap.formats.toponyms import toponym_record
from geomap.io import (
    atomic_writer,
    check_output,
    count_documents,
    is_stream_output,
    iter_documents,
)
from geomap.journal import Journal, file_digest, fingerprint, skip_done
from geomap.pipeline import DEFAULT_BATCH_SIZE, AnalyzedDocument, Pipeline
from geomap.stats import CorpusStats, Tally
from geomap.types import Document, Event

PathLike = str | os.PathLike[str]


# -- analysing --------------------------------------------------------------------------------
@contextlib.contextmanager
def _children_ignore_sigint(enabled: bool) -> Iterator[None]:
    """Let spaCy's worker processes, forked meanwhile, ignore Ctrl-C: the parent handles it.

    Without this every worker prints its own KeyboardInterrupt traceback.
    """
    if not enabled or os.name != "posix":
        yield
        return
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to change
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def analyze_stream(pipeline: Pipeline, documents: Iterable[Document], *,
                   batch_size: int = DEFAULT_BATCH_SIZE,
                   n_process: int = 1) -> Iterator[AnalyzedDocument]:
    """Analyse ``documents`` in input order, reading them lazily (constant memory).

    See :meth:`Pipeline.analyze`; this adds the Ctrl-C handling of spaCy's workers.
    """
    results = pipeline.analyze(documents, batch_size=batch_size, n_process=n_process)
    # spaCy starts its worker processes on the first item; they must ignore Ctrl-C.
    with _children_ignore_sigint(n_process != 1):
        first = next(results, None)
    if first is None:
        return
    yield first
    yield from results


def _progress_bar(*, enabled: bool, total: int | None, initial: int) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="doc", file=sys.stderr, dynamic_ncols=True,
                smoothing=0.05)


def _run(kind: str, inputs: Sequence[PathLike], output: PathLike | None, *,
         fingerprint_options: dict[str, object], pipeline: Pipeline, published: dt.date | None,
         batch_size: int, n_process: int, resume: bool, progress: bool,
         on_record: Callable[[dict[str, Any]], None],
         make_record: Callable[[AnalyzedDocument], dict[str, Any]],
         tally: Tally) -> Journal | None:
    """Stream ``inputs`` through the pipeline into the partial file of ``output``."""
    if output is None:
        raise InputError("a corpus run needs an output file (-o)")
    out = Path(output)
    read_too = [fingerprint_options.get(k) for k in ("gazetteer", "taxonomy")]
    check_output(out, [*inputs, *(v for v in read_too if isinstance(v, str | os.PathLike))])
    journal = Journal(out, fingerprint(kind, inputs, published=published,
                                       **fingerprint_options), resume=resume)
    documents = iter_documents(inputs, published=published)
    tally.resumed, documents = skip_done(documents, journal.records(), on_record)
    pipeline.load()
    bar = _progress_bar(enabled=progress, total=count_documents(inputs) if progress else None,
                        initial=tally.resumed)
    journal.open()
    try:
        for i, result in enumerate(analyze_stream(pipeline, documents, batch_size=batch_size,
                                                  n_process=n_process), start=1):
            record = make_record(result)
            journal.append(record, result.document)
            tally.add(result)
            if i % batch_size == 0:
                journal.flush()
            if bar is not None:
                bar.update(1)
    except BaseException as exc:
        journal.close()
        finished = tally.documents + tally.resumed
        if finished == 0:
            journal.discard()  # nothing to resume: leave no file behind
        elif isinstance(exc, GeomapError):
            raise type(exc)(f"{exc} ({finished} finished documents are kept in {journal.path}: "
                            "fix the input and rerun with --resume, or delete it)") from None
        raise
    finally:
        journal.close()
        if bar is not None:
            bar.close()
    return journal


def _no_resume(output: PathLike | None, resume: bool) -> None:
    if resume:
        where = "standard output" if output is None or os.fspath(output) == "-" else output
        raise InputError(f"--resume needs an output file: {where} cannot hold a partial run")


@contextlib.contextmanager
def _checked_stream(output: PathLike, inputs: Sequence[PathLike],
                    gazetteer: PathLike | None) -> Iterator[IO[str]]:
    check_output(output, [*inputs, gazetteer])
    with atomic_writer(output) as fh:
        yield fh


# -- toponyms ---------------------------------------------------------------------------------
def toponyms_corpus(inputs: Sequence[PathLike], output: PathLike | None = None, *,
                    published: dt.date | None = None, model: str | None = None,
                    gazetteer: PathLike | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                    n_process: int = 1, resume: bool = False, progress: bool = False,
                    stdout: IO[str] | None = None,
                    pipeline: Pipeline | None = None, demonyms: bool = True) -> CorpusStats:
    """Write one ``{id, toponyms}`` line per document of ``inputs`` to ``output``.

    Each toponym says its ``kind`` (place, demonym, facility); ``demonyms=False`` leaves the
    demonyms ("Syrian", "Americans") out.

    Without ``output`` lines go to ``stdout`` as they come (nothing to resume). With it, they
    go to ``OUT.partial`` first and the file is renamed to ``OUT`` when every document is done;
    ``resume=True`` continues an interrupted run from its partial file.
    """
    started = time.perf_counter()
    pipe = pipeline or Pipeline(model=model, gazetteer=gazetteer, detect=False)
    tally = Tally()

    def record_of(result: AnalyzedDocument) -> dict[str, Any]:
        return toponym_record(result.document.id, result.places, demonyms=demonyms)

    if output is None or is_stream_output(output):
        _no_resume(output, resume)
        with (contextlib.nullcontext(stdout or sys.stdout) if output is None
              else _checked_stream(output, inputs, gazetteer)) as out:
            pipe.load()
            for result in analyze_stream(pipe, iter_documents(inputs, published=published),
                                         batch_size=batch_size, n_process=n_process):
                out.write(json.dumps(record_of(result), ensure_ascii=False) + "\n")
                tally.add(result)
        return tally.stats(seconds=time.perf_counter() - started)

    def count_resumed(record: dict[str, Any]) -> None:
        places = record.get("toponyms") or []
        tally.add_counts(places=sum(1 for t in places if t.get("place_id")),
                         unresolved_names=[t["name"] for t in places if not t.get("place_id")])

    journal = _run("toponyms", inputs, output, fingerprint_options={
        "model": model, "gazetteer": gazetteer, **({} if demonyms else {"demonyms": False})},
        pipeline=pipe, published=published,
        batch_size=batch_size, n_process=n_process, resume=resume, progress=progress,
        on_record=count_resumed, make_record=record_of, tally=tally)
    assert journal is not None
    with atomic_writer(output, binary=True) as fh:
        for line in journal.lines():
            fh.write(line)
    journal.discard()
    return tally.stats(seconds=time.perf_counter() - started)


# -- events -----------------------------------------------------------------------------------
def merge_event_lists(per_document: Iterable[Sequence[Event]]) -> list[Event]:
    """Merge the events of many documents (given in corpus order) into corpus-level events.

    Every entry point (one process, spaCy processes, Dask partitions) ends here with the
    per-document events in the same order, so all give the same result.
    """
    from geomap.events import merge_events

    return list(merge_events([e for events in per_document for e in events]))


def extract_corpus(inputs: Sequence[PathLike], output: PathLike | None = None, *,
                   fmt: str | None = None, published: dt.date | None = None,
                   model: str | None = None, gazetteer: PathLike | None = None,
                   taxonomy: PathLike | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                   n_process: int = 1, resume: bool = False, progress: bool = False,
                   title: str = "geomap", stdout: IO[str] | None = None,
                   pipeline: Pipeline | None = None) -> CorpusStats:
    """Find the events of a corpus, merge them across documents and write them to ``output``.

    Per-document events are appended to ``OUT.partial`` as they are found; at the end they
    are merged (the same event from many articles becomes one event with all its sources)
    and written in ``fmt`` (default: from the extension). Without ``output`` the merged
    events go to ``stdout`` at the end.
    """
    started = time.perf_counter()
    fmt = get_format(fmt or (format_for_path(output, "geojson" if is_stream_output(output)
                                             else None)
                             if output is not None else "geojson")).name
    if fmt == "parquet":
        require_pyarrow()
        if output is None:
            raise InputError("GeoParquet cannot go to standard output; give -o FILE.parquet")
    pipe = pipeline or Pipeline(model=model, gazetteer=gazetteer, taxonomy=taxonomy)
    tally = Tally()
    per_document: list[tuple[Event, ...]] = []

    if output is None or is_stream_output(output):
        _no_resume(output, resume)
        if output is not None:
            check_output(output, [*inputs, gazetteer, taxonomy])
        pipe.load()
        for result in analyze_stream(pipe, iter_documents(inputs, published=published),
                                     batch_size=batch_size, n_process=n_process):
            per_document.append(result.events)
            tally.add(result)
        merged = merge_event_lists(per_document)
        if output is None:
            write_events(merged, stdout or sys.stdout, fmt=fmt, title=title)
        else:
            save_events(merged, output, fmt=fmt, title=title)
        return tally.stats(events=_flat(per_document), merged=merged,
                           seconds=time.perf_counter() - started)

    def record_of(result: AnalyzedDocument) -> dict[str, Any]:
        per_document.append(result.events)
        return {"id": result.document.id, "events": [to_json(e) for e in result.events],
                "places": sum(1 for rp in result.places if rp.resolved),
                "unresolved": [rp.mention.surface for rp in result.places if not rp.resolved]}

    def load_resumed(record: dict[str, Any]) -> None:
        per_document.append(tuple(event_from_json(e) for e in record.get("events", ())))
        tally.add_counts(places=int(record.get("places", 0)),
                         unresolved_names=record.get("unresolved", ()))

    journal = _run("extract", inputs, output, fingerprint_options={
        "model": model, "gazetteer": gazetteer, "taxonomy": taxonomy,
        "taxonomy_sha256": file_digest(taxonomy)}, pipeline=pipe,
        published=published, batch_size=batch_size, n_process=n_process, resume=resume,
        progress=progress, on_record=load_resumed, make_record=record_of, tally=tally)
    assert journal is not None
    merged = merge_event_lists(per_document)
    save_events(merged, output, fmt=fmt, title=title)
    journal.discard()
    return tally.stats(events=_flat(per_document), merged=merged,
                       seconds=time.perf_counter() - started)


def _flat(per_document: Sequence[Sequence[Event]]) -> list[Event]:
    return [e for events in per_document for e in events]


#: Names that moved out of this module: old name -> (module, new name).
_MOVED = {
    "CORPUS_FORMATS": ("geomap.formats", "FORMAT_NAMES"),
    "geoparquet_table": ("geomap.formats.parquet", "geoparquet_table"),
    "from_json": ("geomap.codec", "from_json"),
    "COUNT_LIMIT_BYTES": ("geomap.io", "COUNT_LIMIT_BYTES"),
    "PARTIAL_SUFFIX": ("geomap.journal", "PARTIAL_SUFFIX"),
    "JOURNAL_VERSION": ("geomap.journal", "JOURNAL_VERSION"),
    "partial_path": ("geomap.journal", "partial_path"),
    "MAX_UNRESOLVED_NAMES": ("geomap.stats", "MAX_UNRESOLVED_NAMES"),
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _MOVED:
        module, new = _MOVED[name]
        return getattr(importlib.import_module(module), new)
    if name == "write_geoparquet":
        return functools.partial(save_events, fmt="parquet")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
