"""Build the store from packaged sources, atomically, and open it (building on first use)."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from gazetteer.core import Gazetteer
from gazetteer.errors import GazetteerError, GazetteerUnavailable
from gazetteer.import_formats import apply_import
from gazetteer.paths import ENV_VAR, SCHEMA_VERSION, build_lock, default_path
from gazetteer.sources import ALL_SOURCES, SOURCE_READERS, Entry
from gazetteer.store import StoreWriter, check_store, is_geomap_store, temp_path_for

log = logging.getLogger(__name__)
# Rough number of places the packaged sources give; only used to size the progress bar.
_EXPECTED_PLACES = 282_000


# Bump when the build logic (sources.py, store.py) changes what a store contains.
BUILDER_VERSION = 13
_SOURCE_PACKAGES = ("countryinfo", "airportsdata")

#: The files in ``gazetteer/data`` a build reads.
DATA_FILES = ("curated_places.tsv", "regions.tsv", "geonames_admin1.tsv", "geonames_countries.tsv",
              "geonames_points.tsv", "geonames_cities500.tsv.gz", "geonames_admin_names.tsv.gz")


def data_fingerprint(sources: Iterable[str] = ALL_SOURCES) -> str:
    """Hash of the source package versions and repository TSVs a build reads (cached)."""
    return _fingerprint(tuple(sorted(sources)))


@functools.cache
def _fingerprint(sources: tuple[str, ...]) -> str:
    """A short hash of what a build would read: package versions and the repository TSVs.

    :func:`open_gazetteer` rebuilds a store whose fingerprint differs, so upgrading
    a source package or editing ``curated_places.tsv`` takes effect on next use.
    """
    import hashlib
    from importlib import metadata, resources

    h = hashlib.sha1(f"{SCHEMA_VERSION}.{BUILDER_VERSION}:{list(sources)}".encode())
    for dist in _SOURCE_PACKAGES:
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=missing;".encode())
    data = resources.files("gazetteer") / "data"
    for name in DATA_FILES:
        h.update((data / name).read_bytes())
    return h.hexdigest()[:16]


def _progress(entries: Iterable[Entry], *, enabled: bool, total: int) -> Iterator[Entry]:
    if not enabled:
        yield from entries
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=" places", desc="Building gazetteer", file=sys.stderr,
              unit_scale=True, leave=True) as bar:
        n = 0
        for entry in entries:
            yield entry
            n += 1
            if n % 5000 == 0:
                bar.update(5000)
        bar.update(n % 5000)


def _batched(entries: Iterable[Entry], size: int = 20000) -> Iterator[list[Entry]]:
    batch: list[Entry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _previous_imports(path: Path) -> list[str]:
    try:
        meta = check_store(path)
    except GazetteerUnavailable:
        return []
    value = json.loads(meta.get("imports", "[]"))
    return [str(v) for v in value] if isinstance(value, list) else []


def _previous_sources(path: Path) -> tuple[str, ...]:
    """The sources an existing (possibly outdated) store was built from; default all."""
    try:
        meta = check_store(path)
    except GazetteerUnavailable:
        return ALL_SOURCES
    value = json.loads(meta.get("sources", "[]"))
    chosen = tuple(str(v) for v in value) if isinstance(value, list) else ()
    return chosen if chosen and all(s in SOURCE_READERS for s in chosen) else ALL_SOURCES


def build_gazetteer(
    path: str | os.PathLike[str] | None = None,
    *,
    progress: bool = True,
    sources: Iterable[str] | None = None,
    imports: Iterable[str | os.PathLike[str]] | None = None,
) -> Path:
    """Build a store from the packaged sources and replace ``path`` atomically.

    Parameters
    ----------
    path
        Store file; default :func:`default_path`.
    progress
        Show a tqdm progress bar on stderr.
    sources
        Subset of ``("countries", "regions", "cities", "airports", "curated")``; default all.
    imports
        Files to import on top (see :mod:`gazetteer.importers`); default: the files
        imported into the previous store at ``path``, if they still exist.

    Returns
    -------
    Path
        The path of the new store.
    """
    target = Path(path) if path is not None else default_path()
    chosen = tuple(sources) if sources is not None else ALL_SOURCES
    unknown = [s for s in chosen if s not in SOURCE_READERS]
    if unknown:
        raise GazetteerError(f"unknown gazetteer sources {unknown}; choose from {ALL_SOURCES}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GazetteerUnavailable(f"cannot create {target.parent}: {exc}") from exc
    import_files = (
        [str(Path(p).resolve()) for p in imports]
        if imports is not None
        else [p for p in _previous_imports(target) if Path(p).is_file()]
    )
    with build_lock(target):
        return _build_unlocked(target, chosen, import_files, progress=progress)


def _build_unlocked(
    target: Path, chosen: tuple[str, ...], import_files: list[str], *, progress: bool
) -> Path:
    tmp = temp_path_for(target)
    started = time.perf_counter()
    log.info("building the gazetteer store %s from %s", target, ", ".join(chosen))
    try:
        writer = StoreWriter(tmp)
    except Exception as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise GazetteerUnavailable(f"cannot write gazetteer store {tmp}: {exc}") from exc
    try:
        def every_entry() -> Iterator[Entry]:
            for name in chosen:
                yield from SOURCE_READERS[name]()

        for batch in _batched(_progress(every_entry(), enabled=progress,
                                        total=_EXPECTED_PLACES)):
            writer.add_many(batch)
        if import_files:
            writer.ensure_indexes()
            for file in import_files:
                apply_import(writer, Path(file))
        writer.finish({
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "sources": list(chosen),
            "imports": import_files,
            "fingerprint": data_fingerprint(chosen),
        }, started=started)
        os.replace(tmp, target)
        log.info("built %s in %.1f s", target, time.perf_counter() - started)
    except (sqlite3.Error, OSError) as exc:
        writer.abort()
        raise GazetteerUnavailable(
            f"could not build the gazetteer store at {target}: {exc}; check free space and "
            f"permissions, or set {ENV_VAR} to another path"
        ) from exc
    except BaseException:
        writer.abort()
        raise
    return target


def _refuse_foreign_file(target: Path) -> None:
    """Raise unless ``target`` is absent, empty or a store we wrote (outdated or not).

    :func:`open_gazetteer` rebuilds implicitly, so it must never replace a user's file
    that merely sits at the store path (``GEOMAP_GAZETTEER=~/data.db``).
    """
    try:
        if target.stat().st_size == 0:
            return
    except FileNotFoundError:
        return
    except OSError:
        pass  # unreadable metadata: let the checks below refuse it
    if not is_geomap_store(target):
        raise GazetteerUnavailable(
            f"{target} exists and is not a geomap gazetteer store; move it away or set "
            f"{ENV_VAR} to another path"
        )


def open_gazetteer(
    path: str | os.PathLike[str] | None = None,
    *,
    progress: bool = True,
    rebuild: bool = False,
    sources: Iterable[str] | None = None,
) -> Gazetteer:
    """Open the store, building it first if it is missing, corrupt or outdated.

    Outdated means built by another schema or from other source data (see
    :func:`data_fingerprint`); a rebuild keeps files imported before. Only a store
    this package wrote (or a missing or empty file) is ever rebuilt: any other file
    at ``path`` raises :class:`GazetteerUnavailable` and is left untouched.

    Examples
    --------
    >>> gaz = open_gazetteer()                       # doctest: +SKIP
    >>> gaz.lookup("Tartous")[0].place.country_code   # doctest: +SKIP
    'SY'
    """
    target = Path(path) if path is not None else default_path()

    def current() -> Gazetteer | None:
        try:
            gaz = Gazetteer(target)
        except GazetteerUnavailable:
            return None
        built_from = json.loads(gaz.info_meta().get("sources", "[]"))
        wanted = built_from if sources is None else list(sources)
        if sorted(wanted) != sorted(built_from) or gaz.info_meta().get(
            "fingerprint"
        ) != data_fingerprint(built_from):
            gaz.close()
            return None
        return gaz

    if not rebuild and (gaz := current()) is not None:
        return gaz
    _refuse_foreign_file(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GazetteerUnavailable(f"cannot create {target.parent}: {exc}") from exc
    with build_lock(target):
        # Another process may have finished building while we waited for the lock.
        if not rebuild and (gaz := current()) is not None:
            return gaz
        _refuse_foreign_file(target)
        imports = [p for p in _previous_imports(target) if Path(p).is_file()]
        chosen = tuple(sources) if sources is not None else _previous_sources(target)
        _build_unlocked(target, chosen, imports, progress=progress)
    return Gazetteer(target)
