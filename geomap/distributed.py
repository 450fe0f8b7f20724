"""Running geomap on a Dask cluster: the same per-document pipeline on every worker.

The corpus is cut into partitions (byte ranges of JSON Lines files, groups of .txt files, or
the partitions of a ``dask.bag`` of documents). Each Dask task reads its partition lazily,
runs it through the worker's pipeline — the spaCy model is loaded and the gazetteer opened
once per worker process and kept for every later task — optionally writes the partition's
events as ``part-NNNNN.jsonl`` and GeoParquet ``part-NNNNN.parquet``, and returns the
events of each document. The client merges them exactly as a single process would, so the
events are the same however the corpus was cut.

>>> from distributed import Client
>>> client = Client("tcp://scheduler:8786")                       # doctest: +SKIP
>>> events = extract_bag(["2024-01.jsonl", "2024-02.jsonl"], parts_dir="parts/")  # doctest: +SKIP
>>> len(events.events)                                            # doctest: +SKIP
7310

Needs ``pip install 'dask[distributed]' pyarrow`` (the ``geomap-events[dask]`` extra).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from geomap.corpus import PathLike, analyze_stream, merge_event_lists
from geomap.errors import GeomapError, InputError
from geomap.formats import format_for_path, save_events, write_events
from geomap.formats.parquet import require_pyarrow
from geomap.io import (
    bounded_lines,
    check_output,
    document_from_line,
    document_from_record,
    input_files,
    is_jsonl,
    is_stream_output,
    iter_documents,
    parse_date,
)
from geomap.pipeline import DEFAULT_BATCH_SIZE, Pipeline
from geomap.stats import CorpusStats, Tally
from geomap.types import Document, Event, EventCollection

DEFAULT_BLOCKSIZE = 16 * 1024**2


# -- one pipeline per worker process ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PipelineOptions:
    """What a worker needs to build its pipeline: names and paths only (cheap to ship)."""

    model: str | None = None
    gazetteer: str | None = None
    taxonomy: str | None = None
    detect: bool = True


_PIPELINES: dict[PipelineOptions, Pipeline] = {}
_PIPELINES_LOCK = threading.Lock()
_LOADS = 0


def worker_pipeline(options: PipelineOptions) -> Pipeline:
    """The loaded pipeline for ``options`` in this process, loading it on first use only."""
    global _LOADS
    with _PIPELINES_LOCK:
        pipeline = _PIPELINES.get(options)
        if pipeline is None:
            pipeline = Pipeline(model=options.model, gazetteer=options.gazetteer,
                                taxonomy=options.taxonomy, detect=options.detect).load()
            _PIPELINES[options] = pipeline
            _LOADS += 1
        return pipeline


def pipeline_loads() -> int:
    """How many pipelines this process has loaded (``client.run(pipeline_loads)`` per worker)."""
    return _LOADS


# -- partitions of files ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Block:
    """A partition of input files: a byte range of one JSON Lines file, or whole text files."""

    path: str = ""
    start: int = 0
    end: int = 0
    first_line: int = 1
    text_files: tuple[str, ...] = ()


def _line_blocks(path: Path, blocksize: int) -> Iterator[Block]:
    size = path.stat().st_size
    with path.open("rb") as fh:
        start, line = 0, 1
        while start < size:
            fh.seek(min(start + blocksize, size))
            if fh.tell() < size:
                _skip_to_line_end(fh)  # end the block at a line end
            end = fh.tell()
            yield Block(str(path), start, end, line)
            fh.seek(start)
            remaining, lines = end - start, 0
            while remaining > 0:
                chunk = fh.read(min(remaining, 1 << 20))
                lines += chunk.count(b"\n")
                remaining -= len(chunk)
            start, line = end, line + lines


def _skip_to_line_end(fh: Any) -> None:
    """Move past the next line end, reading 1 MB at a time (a file without line ends must not
    be read into memory whole)."""
    while chunk := fh.read(1 << 20):
        cut = chunk.find(b"\n")
        if cut >= 0:
            fh.seek(cut + 1 - len(chunk), os.SEEK_CUR)
            return


def plan_blocks(inputs: Iterable[PathLike], *, blocksize: int = DEFAULT_BLOCKSIZE) -> list[Block]:
    """Cut files and folders (as ``geomap extract`` takes them) into partitions of ~blocksize.

    Documents come out of the blocks in the order :func:`geomap.io.iter_documents` reads them.
    """
    blocks: list[Block] = []
    texts: list[str] = []
    text_bytes = 0

    def flush_texts() -> None:
        nonlocal texts, text_bytes
        if texts:
            blocks.append(Block(text_files=tuple(texts)))
            texts, text_bytes = [], 0

    def add(path: Path) -> None:
        nonlocal text_bytes
        if is_jsonl(path):
            flush_texts()
            blocks.extend(_line_blocks(path, blocksize))
        else:
            texts.append(str(path))
            text_bytes += path.stat().st_size
            if text_bytes >= blocksize:
                flush_texts()

    for path in input_files(inputs):
        if path is None:
            raise InputError("a Dask run cannot read standard input; give files or folders")
        add(path)
    flush_texts()
    return blocks


def read_block(block: Block, *, published: dt.date | None = None) -> Iterator[Document]:
    """The documents of ``block``, read lazily, with the ids and errors a whole-file read gives."""
    if block.text_files:
        yield from iter_documents(block.text_files, published=published)
        return
    name = block.path
    with open(block.path, "rb") as fh:
        fh.seek(block.start)
        position, lineno = block.start, block.first_line
        lines = bounded_lines(fh, name=name, first_line=block.first_line)
        while position < block.end:
            raw = next(lines, b"")
            if not raw:
                break
            position += len(raw)
            if raw.strip():
                yield document_from_line(raw, name=name, lineno=lineno, published=published)
            lineno += 1


def _as_document(item: object, *, published: dt.date | None, where: str) -> Document:
    if isinstance(item, Document):
        if item.published is None and published is not None:
            return Document(item.id, item.text, item.source, published, item.url)
        return item
    if isinstance(item, dict):
        if "id" not in item:
            raise InputError(f"{where}: a document record needs an 'id' (partitions cannot "
                             "number documents consistently)")
        return document_from_record(item, name=where, lineno=0, published=published)
    raise InputError(f"{where}: expected a Document or a {{'id', 'text'}} record, "
                     f"got {type(item).__name__}")


def _documents(items: Iterable[object], *, published: dt.date | None,
               index: int) -> Iterator[Document]:
    for i, item in enumerate(items):
        if isinstance(item, Block):
            yield from read_block(item, published=published)
        else:
            yield _as_document(item, published=published, where=f"partition {index} item {i}")


# -- one partition ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PartitionResult:
    """What a worker sends back: per-document events (in order) and counts, never documents."""

    index: int
    events: tuple[tuple[Event, ...], ...]
    places: int = 0
    unresolved: int = 0
    unresolved_names: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def documents(self) -> int:
        return len(self.events)


def part_name(index: int) -> str:
    return f"part-{index:05d}"


def analyze_partition(items: Iterable[object], *, index: int, options: PipelineOptions,
                      published: dt.date | None = None, parts_dir: str | None = None,
                      parquet: bool = True,
                      batch_size: int = DEFAULT_BATCH_SIZE) -> PartitionResult:
    """Run one partition through this worker's pipeline (the Dask task of :func:`extract_bag`).

    ``items`` are :class:`Block` values, :class:`~geomap.types.Document` values or
    ``{id, text, ...}`` records. With ``parts_dir`` the partition's events (merged within
    the partition) are written there as JSON Lines and, with ``parquet``, GeoParquet.
    """
    pipeline = worker_pipeline(options)
    tally = Tally()
    per_document: list[tuple[Event, ...]] = []
    for result in analyze_stream(pipeline, _documents(items, published=published, index=index),
                                 batch_size=batch_size):
        per_document.append(result.events)
        tally.add(result)
    files: list[str] = []
    if parts_dir is not None:
        merged = merge_event_lists(per_document)
        base = Path(parts_dir) / part_name(index)
        files.append(str(save_events(merged, base.with_suffix(".jsonl"), fmt="jsonl")))
        if parquet:
            files.append(str(save_events(merged, base.with_suffix(".parquet"), fmt="parquet")))
    return PartitionResult(index, tuple(per_document), tally.places, tally.unresolved,
                           tuple(tally.names), tuple(files))


# -- the whole corpus ------------------------------------------------------------------------
def _require_dask() -> Any:
    try:
        import dask
    except ModuleNotFoundError:
        raise GeomapError("Dask runs need dask: pip install 'geomap-events[dask]' "
                          "(or pip install 'dask[distributed]' pyarrow)") from None
    return dask


def _blocksize(value: int | str) -> int:
    if isinstance(value, int):
        size = value
    else:
        from dask.utils import parse_bytes

        try:
            size = int(parse_bytes(value))
        except (ValueError, TypeError):
            raise InputError(f"blocksize {value!r} is not a size like 16MB") from None
    if size <= 0:
        raise InputError(f"blocksize must be positive, got {value!r}")
    return size


def partition_tasks(bag_or_paths: Any, *, published: dt.date | str | None = None,
                    model: str | None = None, gazetteer: PathLike | None = None,
                    taxonomy: PathLike | None = None, parts_dir: PathLike | None = None,
                    parquet: bool = True, blocksize: int | str = DEFAULT_BLOCKSIZE,
                    batch_size: int = DEFAULT_BATCH_SIZE) -> list[Any]:
    """One ``dask.delayed`` task per partition, each giving a :class:`PartitionResult`."""
    dask = _require_dask()
    pub = parse_date(published, what="published") if isinstance(published, str) else published
    options = PipelineOptions(model=model, taxonomy=_path_or_none(taxonomy),
                              gazetteer=_path_or_none(gazetteer))
    if parts_dir is not None:
        Path(parts_dir).mkdir(parents=True, exist_ok=True)
        if parquet:
            require_pyarrow()
    parts = None if parts_dir is None else str(Path(parts_dir).resolve())
    if isinstance(bag_or_paths, str | os.PathLike) or (
            isinstance(bag_or_paths, list | tuple)
            and all(isinstance(p, str | os.PathLike) for p in bag_or_paths)):
        paths = [bag_or_paths] if isinstance(bag_or_paths, str | os.PathLike) else bag_or_paths
        partitions: Sequence[Any] = [[b] for b in plan_blocks(paths, blocksize=_blocksize(blocksize))]
    elif hasattr(bag_or_paths, "to_delayed"):
        partitions = bag_or_paths.to_delayed()
    else:
        raise InputError("expected a dask.bag of documents or a list of .jsonl/.txt paths, got "
                         f"{type(bag_or_paths).__name__}")
    task = dask.delayed(analyze_partition, pure=False)  # it writes part files
    return [task(part, index=i, options=options, published=pub, parts_dir=parts,
                 parquet=parquet, batch_size=batch_size) for i, part in enumerate(partitions)]


def _path_or_none(value: Any) -> str | None:
    if value is None:
        return None
    path = getattr(value, "path", value)  # a Gazetteer object: ship its path, not its handle
    return str(Path(path).resolve()) if isinstance(path, str | os.PathLike) else str(path)


def extract_partitions(bag_or_paths: Any, **options: Any) -> list[PartitionResult]:
    """Compute every partition on the active Dask scheduler; results in partition order."""
    dask = _require_dask()
    tasks = partition_tasks(bag_or_paths, **options)
    return sorted(dask.compute(*tasks), key=lambda r: r.index)


def merge_partitions(results: Iterable[PartitionResult]) -> list[Event]:
    """Corpus-level events from partition results: the same as one process would give."""
    ordered = sorted(results, key=lambda r: r.index)
    return merge_event_lists(events for r in ordered for events in r.events)


def extract_bag(bag_or_paths: Any, *, published: dt.date | str | None = None,
                model: str | None = None, gazetteer: PathLike | None = None,
                taxonomy: PathLike | None = None, parts_dir: PathLike | None = None,
                parquet: bool = True, blocksize: int | str = DEFAULT_BLOCKSIZE,
                batch_size: int = DEFAULT_BATCH_SIZE, title: str = "geomap") -> EventCollection:
    """Find and merge the events of a corpus on Dask workers.

    Parameters
    ----------
    bag_or_paths
        A ``dask.bag`` of :class:`~geomap.types.Document` values or ``{id, text, published?,
        source?}`` records, or .jsonl/.txt paths and folders (cut into ``blocksize`` partitions).
    parts_dir
        Folder for partitioned outputs: ``part-NNNNN.jsonl`` and ``part-NNNNN.parquet``
        (GeoParquet) with each partition's events.

    Runs on the active Dask client (``distributed.Client(...)``); without one, on Dask's local
    threaded scheduler. Returns the merged events (documents and places are not gathered).

    Examples
    --------
    >>> import dask.bag as db
    >>> bag = db.from_sequence([{"id": "a", "text": "Protesters marched in Lagos on Friday."}],
    ...                        npartitions=1)
    >>> extract_bag(bag, published="2024-06-28").events[0].place.name   # doctest: +SKIP
    'Lagos'
    """
    results = extract_partitions(bag_or_paths, published=published, model=model,
                                 gazetteer=gazetteer, taxonomy=taxonomy, parts_dir=parts_dir,
                                 parquet=parquet, blocksize=blocksize, batch_size=batch_size)
    return EventCollection(events=tuple(merge_partitions(results)), title=title)


# -- the command line's Dask run ---------------------------------------------------------------
#: Dask settings for clusters that run geomap (see :func:`local_cluster_config`).
WORKER_CONFIG: dict[str, Any] = {
    # The workers' stack-sampling profiler (every 10 ms) costs CPU that NLP needs.
    "distributed.worker.profile.enabled": False,
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, so glibc hands freed memory back
    # to the system at once and faults it in again: spaCy's many short-lived arrays then
    # cost ~15% more CPU. geomap's memory per worker is flat without it.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


def local_cluster_config() -> Any:
    """Dask settings for a local cluster that runs geomap (:data:`WORKER_CONFIG`)."""
    dask = _require_dask()
    return dask.config.set(WORKER_CONFIG)


@contextlib.contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``distributed.Client``: ``local:N`` starts a LocalCluster of N worker processes."""
    _require_dask()
    from distributed import Client, LocalCluster

    if address == "local" or address.startswith("local:"):
        try:
            n = int(address.partition(":")[2] or os.cpu_count() or 1)
        except ValueError:
            raise InputError(f"--dask {address!r}: use local:N with a number of workers") from None
        if n < 1:
            raise InputError("--dask local:N needs at least one worker")
        # silence_logs: a task's error reaches the client and is reported once, as one line;
        # the workers' own log of it is a multi-KB traceback
        with local_cluster_config(), LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout="20s")
    except (OSError, ValueError, TypeError) as exc:  # unreachable, or not an address at all
        raise InputError(f"cannot reach the Dask scheduler at {address} ({exc}); start one "
                         "with `dask scheduler` or use --dask local:N") from None
    with client:
        yield client


def extract_dask(inputs: Sequence[PathLike], output: PathLike | None, *, address: str,
                 fmt: str | None = None, parts_dir: PathLike | None = None,
                 blocksize: int | str = DEFAULT_BLOCKSIZE, resume: bool = False,
                 published: dt.date | None = None, model: str | None = None,
                 gazetteer: PathLike | None = None, taxonomy: PathLike | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, title: str = "geomap",
                 progress: bool | None = None, stdout: IO[str] | None = None) -> CorpusStats:
    """``geomap extract --dask``: partitions on the cluster, merged events to ``output``."""
    if resume:
        raise InputError("--resume applies to one-machine runs; a Dask run recomputes "
                         "its partitions")
    fmt = fmt or (format_for_path(output, "geojson" if is_stream_output(output) else None)
                  if output is not None else "geojson")
    if output is not None:
        check_output(output, [*inputs, gazetteer, taxonomy])
    started = time.perf_counter()
    with dask_client(address) as client:
        tasks = partition_tasks(inputs, published=published, model=model, gazetteer=gazetteer,
                                taxonomy=taxonomy, parts_dir=parts_dir, blocksize=blocksize,
                                batch_size=batch_size)
        futures = client.compute(tasks)
        if progress if progress is not None else sys.stderr.isatty():
            from distributed import progress as show_progress

            show_progress(futures)
            print(file=sys.stderr)
        results: list[PartitionResult] = client.gather(futures)
    merged = merge_partitions(results)
    if output is None:
        write_events(merged, stdout or sys.stdout, fmt=fmt, title=title)
    else:
        save_events(merged, output, fmt=fmt, title=title)
    tally = Tally()
    for r in results:
        tally.add_counts(documents=r.documents, places=r.places,
                         unresolved=r.unresolved, unresolved_names=r.unresolved_names)
    raw = [e for r in results for events in r.events for e in events]
    return tally.stats(events=raw, merged=merged, seconds=time.perf_counter() - started)
