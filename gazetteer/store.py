"""The SQLite file format of the gazetteer: schema, writer and integrity check.

A store is written into a temporary file next to its final path and renamed into
place only when complete, so readers never see half a store. The ``meta`` table
carries ``complete=1`` and the schema version; the SQLite header's page count is
checked against the file size to catch truncated copies.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import sqlite3
import time
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

from gazetteer.errors import GazetteerUnavailable
from gazetteer.paths import SCHEMA_VERSION, default_path
from gazetteer.sources import Entry
from gazetteer.text import compact, fold

ALIAS_SEP = "\x1f"
FUZZY_MIN_IMPORTANCE = 3.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS places(
    id INTEGER PRIMARY KEY,
    place_id TEXT NOT NULL,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    feature_class TEXT NOT NULL,
    feature_code TEXT NOT NULL,
    country_code TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    admin1_name TEXT NOT NULL,
    population INTEGER NOT NULL,
    source TEXT NOT NULL,
    aliases TEXT NOT NULL,
    importance REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS names(
    key TEXT NOT NULL,
    pid INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (key, pid, kind, name)
) WITHOUT ROWID;
"""
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS places_place_id ON places(place_id);
CREATE INDEX IF NOT EXISTS names_pid ON names(pid);
"""

UNAVAILABLE_ADVICE = "run `geomap gazetteer build` (or `geomap gazetteer build --force`)"
# Written into ``meta`` when a store file is created (before any data), so a store is
# recognisable as ours even when outdated or unfinished; see :func:`is_geomap_store`.
STORE_MARKER = ("format", "geomap-gazetteer")
# The same, in the SQLite header (``PRAGMA application_id``, ASCII "geoG"): it survives
# a truncated copy, whose tables SQLite can no longer read.
APPLICATION_ID = 0x67656F47


def unavailable_advice(path: Path, *, force: bool = True) -> str:
    """What to run to (re)build the store at ``path``: ``build`` alone builds the default path.

    >>> unavailable_advice(Path("/tmp/my store.sqlite"))
    "run `geomap gazetteer --path '/tmp/my store.sqlite' build --force`"
    """
    try:
        is_default = path.expanduser().resolve() == default_path().resolve()
    except OSError:
        is_default = False
    if is_default:
        return UNAVAILABLE_ADVICE
    flag = " --force" if force else ""
    return f"run `geomap gazetteer --path {shlex.quote(str(path))} build{flag}`"


def is_geomap_store(path: Path) -> bool:
    """Whether ``path`` is a store this package wrote (complete or not, any version).

    A store carries :data:`APPLICATION_ID` in its SQLite header and
    :data:`STORE_MARKER` in its ``meta`` table; stores written before the markers
    existed are recognised by a ``meta`` table with a ``schema_version`` next to the
    ``places`` and ``names`` tables. Anything else, including files SQLite cannot
    read, is someone else's file.
    """
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
        if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
            return False
        if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
            return True
        conn = connect_readonly(path)
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"meta", "places", "names"} <= tables:
                return False
            meta = dict(conn.execute(
                "SELECT key, value FROM meta WHERE key IN (?, 'schema_version')",
                (STORE_MARKER[0],)).fetchall())
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False
    return meta.get(STORE_MARKER[0]) == STORE_MARKER[1] or "schema_version" in meta


def foreign_file_advice(path: Path) -> str:
    """Advice for a file at ``path`` that is not a store: build one elsewhere, never over it.

    >>> foreign_file_advice(Path("/nonexistent/notes.txt"))
    'build one at a new path: run `geomap gazetteer --path /nonexistent/notes-gazetteer.sqlite build`'
    """
    new = path.with_name(f"{path.stem}-gazetteer.sqlite")
    n = 1
    while new.exists() and not is_geomap_store(new):
        n += 1
        new = path.with_name(f"{path.stem}-gazetteer-{n}.sqlite")
    return f"build one at a new path: run `geomap gazetteer --path {shlex.quote(str(new))} build`"


def _is_foreign(path: Path) -> bool:
    """A non-empty file this package did not write (rebuilding would destroy it)."""
    try:
        return path.stat().st_size > 0 and not is_geomap_store(path)
    except OSError:
        return False


def check_store(path: Path) -> dict[str, str]:
    """Return the store's meta table, or raise :class:`GazetteerUnavailable` saying why not.

    The advice never suggests rebuilding over a file this package did not write.
    """
    if path.is_file() and _is_foreign(path):
        raise GazetteerUnavailable(f"{path} is not a geomap gazetteer store and is left "
                                   f"untouched; {foreign_file_advice(path)}")
    advice = unavailable_advice(path)
    if not path.is_file():
        raise GazetteerUnavailable(
            f"no gazetteer store at {path}; {unavailable_advice(path, force=False)}")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise GazetteerUnavailable(f"cannot read gazetteer store {path}: {exc}") from exc
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise GazetteerUnavailable(
            f"gazetteer store {path} is not an SQLite file (corrupt); {advice}"
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if pages and page_size * pages != size:
        raise GazetteerUnavailable(
            f"gazetteer store {path} is truncated or incomplete; {advice}"
        )
    try:
        conn = connect_readonly(path)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise GazetteerUnavailable(
            f"gazetteer store {path} is corrupt ({exc}); {advice}"
        ) from exc
    if meta.get("complete") != "1":
        raise GazetteerUnavailable(f"gazetteer store {path} is incomplete; {advice}")
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        raise GazetteerUnavailable(
            f"gazetteer store {path} has schema {meta.get('schema_version')!r}, this version "
            f"needs {SCHEMA_VERSION}; {advice}"
        )
    return meta


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open a store read-only; safe to do from many processes at once.

    ``immutable=1`` skips SQLite's file locking (~20% faster queries). That is safe
    because a store is never changed in place: builds and imports write a new file
    and rename it over the old one, and open connections keep reading the old file.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only = 1")
    return conn


def temp_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")


class StoreWriter:
    """Write entries into a store file that is not yet visible to readers.

    Parameters
    ----------
    path
        A temporary file. It is created if missing; an existing complete store is
        extended (used by the importers on a private copy).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
            "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;"
        )
        self.conn.executescript(_SCHEMA)
        self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", STORE_MARKER)
        self.conn.execute("DELETE FROM meta WHERE key = 'complete'")
        row = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM places").fetchone()
        self._next_id = int(row[0]) + 1
        self._has_index = bool(
            self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'places_place_id'"
            ).fetchone()
        )
        self.replaced = 0
        self.conn.execute("BEGIN")

    def ensure_indexes(self) -> None:
        """Create the lookup indexes now (needed before replacing places by id)."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.conn.executescript(_INDEXES)
        self._has_index = True
        self.conn.execute("BEGIN")

    def counts(self) -> tuple[int, int]:
        """Number of places and of names currently in the store."""
        places = self.conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
        names = self.conn.execute("SELECT COUNT(*) FROM names").fetchone()[0]
        return int(places), int(names)

    def rowids_with_prefix(self, prefix: str) -> dict[str, int]:
        """Map the part after ``prefix`` of matching place ids to internal row ids."""
        rows = self.conn.execute(
            "SELECT substr(place_id, ?), id FROM places WHERE place_id LIKE ?",
            (len(prefix) + 1, prefix.replace("%", "") + "%"),
        )
        return dict(rows.fetchall())

    def admin1_names(self) -> dict[tuple[str, str], str]:
        """``(country code, admin1 code) -> name`` of the first-level regions in the store."""
        rows = self.conn.execute(
            "SELECT country_code, admin1, name FROM places WHERE feature_code = 'ADM1' "
            "AND admin1 != '' ORDER BY importance, id").fetchall()
        return {(cc, code): name for cc, code, name in rows}

    def add_names_by_rowid(self, rows: Iterable[tuple[int, str, int]]) -> int:
        """Add ``(rowid, name, kind)`` names; returns how many were new."""
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO names VALUES (?,?,?,?)",
            ((key, rowid, kind, name) for rowid, name, kind in rows if (key := fold(name))),
        )
        return self.conn.total_changes - before

    def add_many(self, entries: Iterable[Entry], *, replace: bool = False) -> int:
        """Add entries; with ``replace`` an existing place with the same id is replaced.

        Entries are consumed in batches, so a GeoNames dump of millions of rows streams.
        """
        count = 0
        batch: list[Entry] = []
        for entry in entries:
            batch.append(entry)
            if len(batch) >= 20_000:
                count += self._add_batch(batch, replace=replace)
                batch = []
        if batch:
            count += self._add_batch(batch, replace=replace)
        return count

    def _add_batch(self, entries: list[Entry], *, replace: bool) -> int:
        if replace:
            # The same id twice in one file: the last one wins, as across batches.
            entries = list({e.place.place_id: e for e in entries}.values())
            if self._has_index:
                self._delete_many([e.place.place_id for e in entries])
        place_rows: list[tuple[object, ...]] = []
        name_rows: list[tuple[str, int, int, str]] = []
        for entry in entries:
            p = entry.place
            pid = self._next_id
            self._next_id += 1
            place_rows.append((
                pid, p.place_id, p.name, p.lat, p.lon, p.feature_class, p.feature_code,
                p.country_code, p.admin1, p.admin1_name, p.population, p.source,
                ALIAS_SEP.join(p.aliases), entry.importance,
            ))
            for name, kind in entry.names:
                key = fold(name)
                if key:
                    name_rows.append((key, pid, kind, name))
        self.conn.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows
        )
        self.conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?)", name_rows)
        return len(entries)

    def _delete_many(self, place_ids: list[str]) -> None:
        """Delete the places with these ids (and their names), 500 ids per query."""
        for i in range(0, len(place_ids), 500):
            chunk = place_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT id FROM places WHERE place_id IN ({marks})", chunk).fetchall()
            if rows:
                ids = [(r[0],) for r in rows]
                self.conn.executemany("DELETE FROM names WHERE pid = ?", ids)
                self.conn.executemany("DELETE FROM places WHERE id = ?", ids)
                self.replaced += len(ids)

    def finish(self, meta: dict[str, object], *, started: float | None = None) -> None:
        """Index, write the meta table (``complete`` last) and close.

        With ``started`` (a :func:`time.perf_counter` value) the meta table records
        ``build_seconds`` up to this point.
        """
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.conn.executescript(_INDEXES)
        counts = dict(
            self.conn.execute("SELECT source, COUNT(*) FROM places GROUP BY source").fetchall()
        )
        prefixes = dict(
            self.conn.execute(
                "SELECT substr(place_id, 1, instr(place_id, ':') - 1) AS p, COUNT(*) "
                "FROM places GROUP BY p"
            ).fetchall()
        )
        self._write_blobs()
        n_names = self.conn.execute("SELECT COUNT(*) FROM names").fetchone()[0]
        values = {
            **{k: v if isinstance(v, str) else json.dumps(v) for k, v in meta.items()},
            "schema_version": str(SCHEMA_VERSION),
            "counts_by_source": json.dumps(counts, sort_keys=True),
            "counts_by_id_prefix": json.dumps(prefixes, sort_keys=True),
            "names": str(n_names),
        }
        self.conn.execute("ANALYZE")
        if started is not None:
            values["build_seconds"] = f"{time.perf_counter() - started:.2f}"
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(values.items()))
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '1')")
        self.conn.close()

    def _write_blobs(self) -> None:
        """Precompute what readers would otherwise rebuild on first use (~1 s each).

        ``fuzzy_keys``: newline-joined ASCII fold keys of names of places that matter in
        news (importance >= 3). ``points``: float64 lat (degrees), int64 id, float64
        lon (degrees) and the feature class letters, all sorted by latitude.
        """
        keys = [
            k for (k,) in self.conn.execute(
                "SELECT DISTINCT n.key FROM names n JOIN places p ON p.id = n.pid "
                "WHERE p.importance >= ? AND n.kind IN (0, 1, 2) AND length(n.key) >= 4 "
                "ORDER BY n.key", (FUZZY_MIN_IMPORTANCE,))
            if k.isascii() and "\n" not in k
        ]
        rows = self.conn.execute(
            "SELECT lat, id, lon, feature_class FROM places ORDER BY lat, id").fetchall()
        lats = array("d", (r[0] for r in rows))
        ids = array("q", (r[1] for r in rows))
        lons = array("d", (r[2] for r in rows))
        classes = "".join((r[3] or " ")[0] for r in rows).encode("ascii", "replace")
        blobs = {
            "fuzzy_keys": "\n".join(keys).encode("utf-8"),
            "points_lat": lats.tobytes(), "points_id": ids.tobytes(),
            "points_lon": lons.tobytes(), "points_class": classes,
        }
        self.conn.execute("CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, data BLOB)")
        self.conn.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", blobs.items())

    def abort(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


def iter_rows(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> Iterator[
    tuple[object, ...]
]:
    cur = conn.execute(sql, params)
    while batch := cur.fetchmany(4096):
        yield from batch


__all__ = ["SCHEMA_VERSION", "STORE_MARKER", "StoreWriter", "check_store", "compact",
           "connect_readonly", "is_geomap_store", "unavailable_advice"]
