"""Running geomap over a corpus: streamed, batched, resumable, in constant memory.

A corpus (a JSON Lines file of any size, folders of .txt files) is read one document at a
time and sent through ``nlp.pipe`` in batches, optionally in several processes. What each
document yields is appended to a *partial* file beside the output (``OUT.partial``) as soon
as it is known, so memory does not grow with the corpus and an interrupted run can be
continued with ``resume=True``. The output itself appears under its final name only when
the run completes (written to a temp file, then renamed).

``toponyms_corpus`` streams one line per document. ``extract_corpus`` keeps the events of
every document (small) but never the documents, merges them into corpus-level events at the
end, and writes them as GeoJSON, JSON Lines, CSV, KML or GeoParquet.

>>> stats = extract_corpus(["news.jsonl"], "events.geojson", n_process=2)   # doctest: +SKIP
>>> stats.documents, stats.merged_events                                     # doctest: +SKIP
(5000, 7310)
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import heapq
import json
import os
import signal
import struct
import sys
import time
import types
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any, Union, get_args, get_origin, get_type_hints

from geomap.errors import GeomapError, InputError, OutputError
from geomap.export import format_for_path
from geomap.io import atomic_writer, check_writable, folder_files, iter_documents
from geomap.pipeline import DEFAULT_BATCH_SIZE, AnalyzedDocument, Pipeline
from geomap.types import Document, Event

PARTIAL_SUFFIX = ".partial"
JOURNAL_VERSION = 1
#: Output formats of :func:`extract_corpus` (``export.FORMATS`` plus GeoParquet).
CORPUS_FORMATS = ("geojson", "csv", "jsonl", "kml", "parquet")
#: Inputs larger than this are not pre-counted for the progress bar (counting must stay cheap).
COUNT_LIMIT_BYTES = 8 * 1024**3
#: Unresolved names kept for the summary (the alphabetically first ones).
MAX_UNRESOLVED_NAMES = 8

PathLike = str | os.PathLike[str]


# -- results ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CorpusStats:
    """What a corpus run did: counts for the summary line, not the results themselves."""

    documents: int = 0
    resumed: int = 0
    places: int = 0
    unresolved: int = 0
    unresolved_names: tuple[str, ...] = ()
    events: int = 0
    merged_events: int = 0
    event_types: tuple[tuple[str, int], ...] = ()
    seconds: float = 0.0

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """Three lines for a terminal: events by type, places, throughput."""
        lines = [f"{self.merged_events} events"
                 + (": " + ", ".join(f"{t} {n}" for t, n in self.event_types)
                    if self.event_types else "")
                 + (f" (from {self.events} reports)" if self.events != self.merged_events else "")]
        lines.append(f"{self.places} place mentions resolved, {self.unresolved} unresolved"
                     + (" (" + ", ".join(self.unresolved_names) + ")"
                        if self.unresolved_names else ""))
        lines.append(f"{self.documents} documents in {self.seconds:.1f} s "
                     f"({self.docs_per_second:.1f} docs/s)"
                     + (f"; {self.resumed} more from the earlier partial run"
                        if self.resumed else ""))
        return "\n".join(lines)


@dataclass
class _Tally:
    """Running counts; memory stays constant (the unresolved names are capped)."""

    documents: int = 0
    resumed: int = 0
    places: int = 0
    unresolved: int = 0
    names: list[str] = field(default_factory=list)

    def add_names(self, names: Iterable[str]) -> None:
        for name in names:
            if name not in self.names:
                self.names = heapq.nsmallest(MAX_UNRESOLVED_NAMES, [*self.names, name])

    def add(self, result: AnalyzedDocument) -> None:
        self.documents += 1
        self.places += sum(1 for rp in result.places if rp.resolved)
        bad = [rp.mention.surface for rp in result.places if not rp.resolved]
        self.unresolved += len(bad)
        self.add_names(bad)

    def stats(self, *, events: Sequence[Event] = (), merged: Sequence[Event] = (),
              seconds: float) -> CorpusStats:
        types_ = Counter(e.event_type for e in merged)
        return CorpusStats(self.documents, self.resumed, self.places, self.unresolved,
                           tuple(self.names), len(events), len(merged),
                           tuple(sorted(types_.items())), seconds)


# -- exact JSON codec for events (the partial file must give back identical events) -------------
def to_json(value: Any) -> Any:
    """A JSON-ready form of a geomap value (dataclasses, tuples, dates): equal when read back."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Fields outside equality (a place's aliases) change no result and would dominate
        # the size of the partial file.
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.compare}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def from_json(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`to_json` output (driven by type hints)."""
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        options = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return from_json(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_json(args[0], v) for v in value)
        return tuple(from_json(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{f.name: from_json(hints[f.name], value[f.name])
                     for f in dataclasses.fields(tp) if f.init and f.name in value})
    if tp is dt.date:
        return dt.date.fromisoformat(value)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def event_from_json(record: dict[str, Any]) -> Event:
    event: Event = from_json(Event, record)
    return event


# -- reading ----------------------------------------------------------------------------------
def _count_lines(path: Path) -> int:
    n, last = 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def count_documents(inputs: Iterable[PathLike]) -> int | None:
    """How many documents ``inputs`` hold, when that is cheap to know (else None).

    Lines of JSON Lines files and files in folders are counted; stdin is not (it can be read
    only once). Used for the progress bar's ETA only, so blank lines may be over-counted.
    """
    total, size = 0, 0
    for item in inputs:
        if str(item) == "-":
            return None
        path = Path(item)
        files = folder_files(path) if path.is_dir() else [path]
        for f in files:
            if f.suffix.lower() in (".jsonl", ".ndjson"):
                try:
                    size += f.stat().st_size
                except OSError:
                    return None
                if size > COUNT_LIMIT_BYTES:
                    return None
                total += _count_lines(f)
            else:
                total += 1
    return total


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


# -- the partial file -------------------------------------------------------------------------
def partial_path(output: PathLike) -> Path:
    """Where a run writing ``output`` keeps its progress: ``OUT.partial`` beside it."""
    out = Path(output)
    return out.with_name(out.name + PARTIAL_SUFFIX)


def _fingerprint(kind: str, inputs: Sequence[PathLike], **options: object) -> dict[str, Any]:
    return {"kind": kind,
            "inputs": [str(i) if str(i) == "-" else str(Path(i).resolve()) for i in inputs],
            **{k: (str(v) if v is not None else None) for k, v in sorted(options.items())}}


class _Journal:
    """The partial file: a header line, then one JSON line per finished document, in order."""

    def __init__(self, output: Path, fingerprint: dict[str, Any], *, resume: bool) -> None:
        self.path = partial_path(output)
        self.fingerprint = fingerprint
        self.resume = resume
        self._fh: IO[bytes] | None = None

    def records(self) -> Iterator[dict[str, Any]]:
        """Records of an earlier run (after checking it matches); cuts off a torn last line."""
        if not self.path.exists():
            if self.resume:
                print(f"geomap: no partial run at {self.path}; starting from the beginning",
                      file=sys.stderr)
            return
        if not self.resume:
            raise OutputError(
                f"{self.path}: an earlier run was interrupted here; pass --resume to continue it, "
                "or delete the file to start over")
        good_end = 0
        with self.path.open("rb") as fh:
            header_line = fh.readline()
            try:
                header = json.loads(header_line)
            except json.JSONDecodeError:
                header = None
            if not isinstance(header, dict) or header.get("geomap_partial") != JOURNAL_VERSION:
                raise InputError(f"{self.path}: not a geomap partial file; delete it to start over")
            if header.get("fingerprint") != self.fingerprint:
                raise InputError(
                    f"{self.path}: the interrupted run used other inputs or options "
                    f"({_diff(header.get('fingerprint'), self.fingerprint)}); rerun with the same "
                    "ones, or delete the file to start over")
            good_end = fh.tell()
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break
                try:
                    record = json.loads(raw)
                except json.JSONDecodeError:
                    break
                good_end += len(raw)
                yield record
        self._truncate_at = good_end

    def open(self) -> IO[bytes]:
        truncate_at = getattr(self, "_truncate_at", None)
        fh: IO[bytes]
        if truncate_at is not None:
            fh = self.path.open("r+b")
            fh.truncate(truncate_at)
            fh.seek(truncate_at)
        else:
            check_writable(self.path)
            try:
                fh = self.path.open("wb")
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
            header = {"geomap_partial": JOURNAL_VERSION, "fingerprint": self.fingerprint}
            fh.write(json.dumps(header).encode() + b"\n")
        self._fh = fh
        return fh

    def append(self, record: dict[str, Any] | str) -> None:
        assert self._fh is not None
        line = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)
        self._fh.write(line.encode("utf-8") + b"\n")

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def lines(self) -> Iterator[bytes]:
        """Record lines as stored (for copying into the output)."""
        with self.path.open("rb") as fh:
            fh.readline()
            yield from fh

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _diff(old: object, new: dict[str, Any]) -> str:
    if not isinstance(old, dict):
        return "unknown options"
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "differs in " + ", ".join(keys)


def _skip_done(documents: Iterator[Document], records: Iterator[dict[str, Any]],
               on_record: Callable[[dict[str, Any]], None]) -> int:
    """Consume the documents an earlier run finished, checking they are the same ones."""
    done = 0
    for record in records:
        document = next(documents, None)
        if document is None:
            raise InputError("the input has fewer documents than the interrupted run "
                             f"processed ({done}+); it changed since — delete the partial file")
        if document.id != record.get("id"):
            raise InputError(
                f"document {done + 1} of the input is {document.id!r} but the interrupted run "
                f"processed {record.get('id')!r} there; the input changed since — rerun with "
                "the same input or delete the partial file")
        on_record(record)
        done += 1
    return done


def _run(kind: str, inputs: Sequence[PathLike], output: PathLike | None, *,
         fingerprint_options: dict[str, object], pipeline: Pipeline, published: dt.date | None,
         batch_size: int, n_process: int, resume: bool, progress: bool,
         on_record: Callable[[dict[str, Any]], None],
         make_record: Callable[[AnalyzedDocument], dict[str, Any]],
         tally: _Tally) -> _Journal | None:
    """Stream ``inputs`` through the pipeline into the partial file of ``output``."""
    if output is None:
        raise InputError("a corpus run needs an output file (-o)")
    out = Path(output)
    check_writable(out)
    journal = _Journal(out, _fingerprint(kind, inputs, published=published,
                                         **fingerprint_options), resume=resume)
    documents = iter_documents(inputs, published=published)
    tally.resumed = _skip_done(documents, journal.records(), on_record)
    pipeline.load()
    bar = _progress_bar(enabled=progress, total=count_documents(inputs) if progress else None,
                        initial=tally.resumed)
    journal.open()
    try:
        for i, result in enumerate(analyze_stream(pipeline, documents, batch_size=batch_size,
                                                  n_process=n_process), start=1):
            record = make_record(result)
            journal.append(record)
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


# -- toponyms ---------------------------------------------------------------------------------
def toponyms_corpus(inputs: Sequence[PathLike], output: PathLike | None = None, *,
                    published: dt.date | None = None, model: str | None = None,
                    gazetteer: PathLike | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                    n_process: int = 1, resume: bool = False, progress: bool = False,
                    stdout: IO[str] | None = None,
                    pipeline: Pipeline | None = None) -> CorpusStats:
    """Write one ``{id, toponyms}`` line per document of ``inputs`` to ``output``.

    Without ``output`` lines go to ``stdout`` as they come (nothing to resume). With it, they
    go to ``OUT.partial`` first and the file is renamed to ``OUT`` when every document is done;
    ``resume=True`` continues an interrupted run from its partial file.
    """
    from geomap.export import toponym_record

    started = time.perf_counter()
    pipe = pipeline or Pipeline(model=model, gazetteer=gazetteer, detect=False)
    tally = _Tally()

    def record_of(result: AnalyzedDocument) -> dict[str, Any]:
        return toponym_record(result.document.id, result.places)

    if output is None:
        out = stdout or sys.stdout
        pipe.load()
        for result in analyze_stream(pipe, iter_documents(inputs, published=published),
                                     batch_size=batch_size, n_process=n_process):
            out.write(json.dumps(record_of(result), ensure_ascii=False) + "\n")
            tally.add(result)
        return tally.stats(seconds=time.perf_counter() - started)

    def count_resumed(record: dict[str, Any]) -> None:
        places = record.get("toponyms") or []
        tally.places += sum(1 for t in places if t.get("place_id"))
        bad = [t["name"] for t in places if not t.get("place_id")]
        tally.unresolved += len(bad)
        tally.add_names(bad)

    journal = _run("toponyms", inputs, output, fingerprint_options={
        "model": model, "gazetteer": gazetteer}, pipeline=pipe, published=published,
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
    fmt = fmt or (format_for_path(output) if output is not None else "geojson")
    if fmt not in CORPUS_FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(CORPUS_FORMATS)}")
    if fmt == "parquet":
        require_pyarrow()
        if output is None:
            raise InputError("GeoParquet cannot go to standard output; give -o FILE.parquet")
    pipe = pipeline or Pipeline(model=model, gazetteer=gazetteer, taxonomy=taxonomy)
    tally = _Tally()
    per_document: list[tuple[Event, ...]] = []

    if output is None:
        pipe.load()
        for result in analyze_stream(pipe, iter_documents(inputs, published=published),
                                     batch_size=batch_size, n_process=n_process):
            per_document.append(result.events)
            tally.add(result)
        merged = merge_event_lists(per_document)
        write_events(merged, stdout or sys.stdout, fmt=fmt, title=title)
        return tally.stats(events=_flat(per_document), merged=merged,
                           seconds=time.perf_counter() - started)

    def record_of(result: AnalyzedDocument) -> dict[str, Any]:
        per_document.append(result.events)
        return {"id": result.document.id, "events": [to_json(e) for e in result.events],
                "places": sum(1 for rp in result.places if rp.resolved),
                "unresolved": [rp.mention.surface for rp in result.places if not rp.resolved]}

    def load_resumed(record: dict[str, Any]) -> None:
        per_document.append(tuple(event_from_json(e) for e in record.get("events", ())))
        tally.places += int(record.get("places", 0))
        tally.unresolved += len(record.get("unresolved", ()))
        tally.add_names(record.get("unresolved", ()))

    journal = _run("extract", inputs, output, fingerprint_options={
        "model": model, "gazetteer": gazetteer, "taxonomy": taxonomy}, pipeline=pipe,
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


# -- writing events ---------------------------------------------------------------------------
def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def write_events(events: Iterable[Event], fh: IO[str], *, fmt: str,
                 title: str = "geomap") -> None:
    """Stream ``events`` to a text file handle in ``fmt``, one event at a time.

    The bytes equal :func:`geomap.export.dumps` of the same events: the GeoJSON
    FeatureCollection is written as header, features, footer.
    """
    from geomap import export

    if fmt == "geojson":
        fh.write('{\n "type": "FeatureCollection",\n "features": [')
        first = True
        for e in events:
            feature = export.to_geojson([e])["features"][0]
            fh.write(("\n" if first else ",\n")
                     + _indent(json.dumps(feature, ensure_ascii=False, indent=1), "  "))
            first = False
        fh.write("]\n}\n" if first else "\n ]\n}\n")
    elif fmt == "jsonl":
        for e in events:
            fh.write(json.dumps(export.jsonl_record(e), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(fh, fieldnames=export.CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for e in events:
            writer.writerow(export.csv_row(e))
    elif fmt == "kml":
        fh.write(export.dumps_kml(list(events), title=title))
    else:
        raise InputError(f"cannot stream {fmt!r} as text; choose one of geojson, jsonl, csv, kml")


def save_events(events: Sequence[Event], path: PathLike, *, fmt: str | None = None,
                title: str = "geomap") -> Path:
    """Write ``events`` to ``path`` atomically (temp file, then rename)."""
    fmt = fmt or format_for_path(path)
    if fmt == "parquet":
        return write_geoparquet(events, path)
    with atomic_writer(path) as fh:
        write_events(events, fh, fmt=fmt, title=title)
    return Path(path)


# -- GeoParquet -------------------------------------------------------------------------------
def require_pyarrow() -> Any:
    try:
        import pyarrow
    except ModuleNotFoundError:
        raise OutputError("writing GeoParquet needs pyarrow: pip install 'geomap[dask]' "
                          "(or pip install pyarrow)") from None
    return pyarrow


def _wkb_point(lat: float, lon: float) -> bytes:
    # ISO WKB, little endian, geometry type 1 (Point), x = lon, y = lat.
    return struct.pack("<BIdd", 1, 1, lon, lat)


def geoparquet_table(events: Sequence[Event]) -> Any:
    """The events as a pyarrow Table with GeoParquet 1.1 metadata (WKB points, CRS84)."""
    pa = require_pyarrow()
    from geomap.export import event_properties

    def col(key: str) -> list[Any]:
        return [p.get(key) for p in props]

    props = [event_properties(e) for e in events]
    columns: dict[str, Any] = {
        "event_id": pa.array(col("event_id"), pa.string()),
        "event_type": pa.array(col("event_type"), pa.string()),
        "sub_event_type": pa.array(col("sub_event_type"), pa.string()),
        "date": pa.array([e.date for e in events], pa.date32()),
        "date_precision": pa.array([e.date_precision for e in events], pa.string()),
        "place_name": pa.array([e.place.name for e in events], pa.string()),
        "place_id": pa.array([e.place.place_id for e in events], pa.string()),
        "country_code": pa.array([e.place.country_code for e in events], pa.string()),
        "admin1_name": pa.array([e.place.admin1_name for e in events], pa.string()),
        "lat": pa.array([e.place.lat for e in events], pa.float64()),
        "lon": pa.array([e.place.lon for e in events], pa.float64()),
        "location_precision": pa.array([e.location_precision for e in events], pa.string()),
        "origin_name": pa.array([e.origin.name if e.origin else None for e in events],
                                pa.string()),
        "actors": pa.array(["; ".join(f"{a.name} ({a.role})" for a in e.actors)
                            for e in events], pa.string()),
        "quotes": pa.array([" | ".join(q.text for q in e.quotes) for e in events], pa.string()),
        "sources": pa.array(["; ".join(e.sources) for e in events], pa.string()),
        "doc_ids": pa.array(["; ".join(e.doc_ids) for e in events], pa.string()),
        "confidence": pa.array([e.confidence for e in events], pa.float64()),
        "modality": pa.array([e.modality for e in events], pa.string()),
        "geometry": pa.array([_wkb_point(e.place.lat, e.place.lon) for e in events],
                             pa.binary()),
    }
    lons = [e.place.lon for e in events]
    lats = [e.place.lat for e in events]
    geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": {
        "encoding": "WKB", "geometry_types": ["Point"],
        **({"bbox": [min(lons), min(lats), max(lons), max(lats)]} if events else {})}}}
    table = pa.table(columns)
    return table.replace_schema_metadata({b"geo": json.dumps(geo).encode()})


def write_geoparquet(events: Sequence[Event], path: PathLike) -> Path:
    """Write ``events`` as GeoParquet (opens in QGIS, GeoPandas, DuckDB), atomically."""
    import pyarrow.parquet as pq

    table = geoparquet_table(events)
    with atomic_writer(path, binary=True) as fh:
        pq.write_table(table, fh, compression="zstd")
    return Path(path)
